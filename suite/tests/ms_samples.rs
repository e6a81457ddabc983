//! Microsoft's CryptoAPI samples ("Example C Program: ..." under Cryptography > Using
//! Cryptography on learn.microsoft.com) that use only the RSA providers, ported call for call:
//! each port makes the sample's wincrypt calls in the sample's order with the sample's
//! parameters (a comment names each call above the line that ports it), prints what the sample
//! prints, and the tests assert those lines and what the sample implies: round trips, sizes,
//! blob layouts, verification, and exact bytes from independent references (RustCrypto's
//! `md-5`, `sha1`, `hmac` and `rc4`) wherever the data is known.
//!
//! Every test works in its own key store, a [`TempRoot`] on disk when the sample runs as two
//! programs sharing a container, [`KeyStore::in_memory`] otherwise, and leaves nothing behind.
//!
//! Not here: "Enumerating CSP Providers and Provider Types" (it reads the provider registry),
//! and "Duplicating a Session Key" and "Setting and Getting Session Key Parameters", which
//! `params.rs` ports.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use cipher::{KeyInit, StreamCipher};
use cryptoapi::{
    AcquireFlags, AlgId, BlobType, CRYPT_FIRST, HP_HASHSIZE, HP_HASHVAL, HmacInfo, KP_KEYLEN,
    KeyFlags, KeySet, KeySpec, KeyStore, MS_ENH_RSA_AES_PROV, MS_ENHANCED_PROV, PP_CONTAINER,
    PP_ENUMCONTAINERS, PP_NAME, Provider, ProviderType, ReleaseFlags,
};
use digest::Digest;
use hmac::Mac;

mod common;
use common::{TempRoot, err_code, hex};

// The Windows values, spelled out so that the tests pin them independently of the crate.
const ERROR_NO_MORE_ITEMS: u32 = 259;
const NTE_BAD_DATA: u32 = 0x8009_0005;
const NTE_BAD_SIGNATURE: u32 = 0x8009_0006;
const NTE_BAD_ALGID: u32 = 0x8009_0008;
const NTE_NO_KEY: u32 = 0x8009_000D;
const NTE_EXISTS: u32 = 0x8009_000F;
const NTE_BAD_KEYSET: u32 = 0x8009_0016;

/// `CRYPT_EXPORTABLE`, as the samples OR it into `dwFlags`.
const CRYPT_EXPORTABLE: u32 = 0x0000_0001;

/// What a sample prints, line by line; printed too, for `--nocapture`. Lines are kept without
/// the samples' trailing blanks and newlines.
#[derive(Debug, Default)]
struct Console(Vec<String>);

impl Console {
    fn print(&mut self, line: impl Into<String>) {
        let line = line.into();
        println!("{line}");
        self.0.push(line);
    }

    #[track_caller]
    fn assert_printed(&self, line: &str) {
        assert!(
            self.0.iter().any(|l| l == line),
            "{line:?} not printed; the sample printed {:#?}",
            self.0
        );
    }
}

/// A NUL-terminated C string as `CryptGetProvParam` returns it, as `printf("%s")` prints it.
fn c_str(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap();
    assert_eq!(end + 1, bytes.len(), "one NUL, at the end: {bytes:?}");
    String::from_utf8(bytes[..end].to_vec()).unwrap()
}

/// Creates the default container of `store`, which the samples that call
/// `CryptAcquireContext(&hProv, NULL, NULL, PROV_RSA_FULL, 0)` expect to exist.
fn create_default_container(store: &KeyStore) {
    store
        .acquire(None, None, ProviderType::RSA_FULL, AcquireFlags::NEWKEYSET)
        .unwrap()
        .release(ReleaseFlags::empty())
        .unwrap();
}

/// An in-memory store whose default container holds a signature and an exchange pair of the
/// default length, as "Necessary Key Containers, Keys, and Certificates" asks of the signing and
/// exporting samples (and "Creating a Key Container and Generating Keys" leaves them).
fn store_with_default_pairs() -> KeyStore {
    let store = KeyStore::in_memory().unwrap();
    let prov = store
        .acquire(None, None, ProviderType::RSA_FULL, AcquireFlags::NEWKEYSET)
        .unwrap();
    prov.gen_key(AlgId::AT_SIGNATURE, KeyFlags::empty())
        .unwrap();
    prov.gen_key(AlgId::AT_KEYEXCHANGE, KeyFlags::empty())
        .unwrap();
    store
}

// ---------------------------------------------------------------------------------------------
// Acquiring a Cryptographic Context and Generating Keys.
// ---------------------------------------------------------------------------------------------

/// "Example C Program: Using CryptAcquireContext", `main`.
fn using_cryptacquirecontext(store: &KeyStore, out: &mut Console) -> cryptoapi::Result<()> {
    // CryptAcquireContext(&hCryptProv, NULL, NULL, PROV_RSA_FULL, 0)
    let h_crypt_prov =
        match store.acquire(None, None, ProviderType::RSA_FULL, AcquireFlags::empty()) {
            Ok(prov) => prov,
            // GetLastError() == NTE_BAD_KEYSET: no default container was found; create it.
            Err(err) if err.code() == NTE_BAD_KEYSET => {
                // CryptAcquireContext(&hCryptProv, NULL, NULL, PROV_RSA_FULL, CRYPT_NEWKEYSET)
                store.acquire(None, None, ProviderType::RSA_FULL, AcquireFlags::NEWKEYSET)?
            }
            Err(err) => return Err(err),
        };
    out.print("CryptAcquireContext succeeded.");

    // CryptGetProvParam(hCryptProv, PP_NAME, (BYTE*)pszName, &cbName, 0)
    let psz_name = h_crypt_prov.param(PP_NAME, 0)?;
    out.print("CryptGetProvParam succeeded.");
    out.print(format!("Provider name: {}", c_str(&psz_name)));

    // CryptGetProvParam(hCryptProv, PP_CONTAINER, (BYTE*)pszName, &cbName, 0)
    let psz_name = h_crypt_prov.param(PP_CONTAINER, 0)?;
    out.print("CryptGetProvParam succeeded.");
    out.print(format!("Key Container name: {}", c_str(&psz_name)));

    // CryptContextAddRef(hCryptProv, NULL, 0)
    let h_crypt_prov_again = h_crypt_prov.clone();
    out.print("CryptcontextAddRef succeeded.");
    assert_eq!(h_crypt_prov.ref_count(), 2);

    // CryptReleaseContext(hCryptProv, 0): the reference count drops, the provider stays.
    h_crypt_prov.release(ReleaseFlags::empty())?;
    out.print("The first call to CryptReleaseContext succeeded.");
    assert_eq!(h_crypt_prov_again.ref_count(), 1);

    // CryptReleaseContext(hCryptProv, 0): the provider is freed.
    h_crypt_prov_again.release(ReleaseFlags::empty())?;
    out.print("The second call to CryptReleaseContext succeeded.");

    let psz_container_name = "My Sample Key Container";
    // CryptAcquireContext(&hCryptProv, pszContainerName, NULL, PROV_RSA_FULL, CRYPT_NEWKEYSET)
    match store.acquire(
        Some(psz_container_name),
        None,
        ProviderType::RSA_FULL,
        AcquireFlags::NEWKEYSET,
    ) {
        Ok(h_crypt_prov) => {
            out.print("CryptAcquireContext succeeded.");
            out.print("New key set created.");
            // CryptReleaseContext(hCryptProv, 0)
            h_crypt_prov.release(ReleaseFlags::empty())?;
            out.print("CryptReleaseContext succeeded.");
        }
        // GetLastError() == NTE_EXISTS: just continue; the container is reopened below.
        Err(err) if err.code() == NTE_EXISTS => {
            out.print("The named key container could not be created because it already exists.");
        }
        Err(err) => return Err(err),
    }

    // CryptAcquireContext(&hCryptProv, pszContainerName, NULL, PROV_RSA_FULL, 0)
    let h_crypt_prov = store.acquire(
        Some(psz_container_name),
        None,
        ProviderType::RSA_FULL,
        AcquireFlags::empty(),
    )?;
    out.print("Acquired the key set just created.");

    // CryptReleaseContext(hCryptProv, 0)
    h_crypt_prov.release(ReleaseFlags::empty())?;
    out.print("CryptReleaseContext succeeded.");

    // CryptAcquireContext(&hCryptProv, pszContainerName, NULL, PROV_RSA_FULL, CRYPT_DELETEKEYSET)
    store.delete_container(
        Some(psz_container_name),
        None,
        ProviderType::RSA_FULL,
        AcquireFlags::DELETEKEYSET,
    )?;
    out.print("Deleted the key container just created.");
    Ok(())
}

/// "Example C Program: Using CryptAcquireContext".
#[test]
fn sample_using_cryptacquirecontext() {
    let root = TempRoot::new("ms-acquire");
    let store = root.store();
    let named = "My Sample Key Container";

    // First run: no default container yet, so the NTE_BAD_KEYSET branch creates it.
    assert_eq!(
        err_code(store.acquire(None, None, ProviderType::RSA_FULL, AcquireFlags::empty())),
        NTE_BAD_KEYSET
    );
    let mut first = Console::default();
    using_cryptacquirecontext(&store, &mut first).unwrap();
    // The default PROV_RSA_FULL provider, and the default container (named after the user).
    first.assert_printed("Provider name: Microsoft Strong Cryptographic Provider");
    let default = store
        .acquire(None, None, ProviderType::RSA_FULL, AcquireFlags::empty())
        .unwrap();
    let default_name = default.container().unwrap().to_owned();
    assert!(!default_name.is_empty());
    first.assert_printed(&format!("Key Container name: {default_name}"));
    first.assert_printed("New key set created.");
    first.assert_printed("Deleted the key container just created.");
    // The named container is really gone.
    assert_eq!(
        err_code(store.acquire(
            Some(named),
            None,
            ProviderType::RSA_FULL,
            AcquireFlags::empty()
        )),
        NTE_BAD_KEYSET
    );

    // A second run prints the same: the default container now opens at once, and the named
    // container is created afresh (it was deleted, so no NTE_EXISTS).
    let mut second = Console::default();
    using_cryptacquirecontext(&store, &mut second).unwrap();
    assert_eq!(second.0, first.0);

    // With the named container left over, the NTE_EXISTS branch continues the program.
    store
        .acquire(
            Some(named),
            None,
            ProviderType::RSA_FULL,
            AcquireFlags::NEWKEYSET,
        )
        .unwrap()
        .release(ReleaseFlags::empty())
        .unwrap();
    let mut third = Console::default();
    using_cryptacquirecontext(&store, &mut third).unwrap();
    third.assert_printed("The named key container could not be created because it already exists.");
    third.assert_printed("Deleted the key container just created.");

    // Only the default container is left, and it goes now.
    assert_eq!(store.containers(KeySet::User).unwrap(), [default_name]);
    drop(default);
    store
        .delete_container(None, None, ProviderType::RSA_FULL, AcquireFlags::empty())
        .unwrap();
    assert!(store.containers(KeySet::User).unwrap().is_empty());
}

/// "Example C Program: Creating a Key Container and Generating Keys", `main`.
fn creating_a_key_container_and_generating_keys(
    store: &KeyStore,
    out: &mut Console,
) -> cryptoapi::Result<()> {
    let psz_container_name = "My Sample Key Container";

    // CryptAcquireContext(&hCryptProv, pszContainerName, NULL, PROV_RSA_FULL, 0)
    let h_crypt_prov = match store.acquire(
        Some(psz_container_name),
        None,
        ProviderType::RSA_FULL,
        AcquireFlags::empty(),
    ) {
        Ok(prov) => {
            out.print(format!(
                "A crypto context with the {psz_container_name} key container has been acquired."
            ));
            prov
        }
        // GetLastError() == NTE_BAD_KEYSET: the container does not exist; create it.
        Err(err) if err.code() == NTE_BAD_KEYSET => {
            // CryptAcquireContext(&hCryptProv, pszContainerName, NULL, PROV_RSA_FULL,
            //                     CRYPT_NEWKEYSET)
            let prov = store.acquire(
                Some(psz_container_name),
                None,
                ProviderType::RSA_FULL,
                AcquireFlags::NEWKEYSET,
            )?;
            out.print("A new key container has been created.");
            prov
        }
        Err(err) => return Err(err),
    };

    // CryptGetUserKey(hCryptProv, AT_SIGNATURE, &hKey)
    let h_key = match h_crypt_prov.user_key(KeySpec::Signature) {
        Ok(key) => {
            out.print("A signature key is available.");
            key
        }
        Err(err) => {
            out.print("No signature key is available.");
            // GetLastError() == NTE_NO_KEY: there is a container but no key.
            if err.code() != NTE_NO_KEY {
                return Err(err);
            }
            out.print("The signature key does not exist.");
            out.print("Create a signature key pair.");
            // CryptGenKey(hCryptProv, AT_SIGNATURE, 0, &hKey)
            let key = h_crypt_prov.gen_key(AlgId::AT_SIGNATURE, KeyFlags::empty())?;
            out.print("Created a signature key pair.");
            key
        }
    };
    out.print("A signature key pair existed, or one was created.");

    // CryptDestroyKey(hKey)
    h_key.destroy()?;

    // CryptGetUserKey(hCryptProv, AT_KEYEXCHANGE, &hKey)
    let h_key = match h_crypt_prov.user_key(KeySpec::Exchange) {
        Ok(key) => {
            out.print("An exchange key exists.");
            key
        }
        Err(err) => {
            out.print("No exchange key is available.");
            // GetLastError() == NTE_NO_KEY: an exchange key pair needs to be created.
            if err.code() != NTE_NO_KEY {
                return Err(err);
            }
            out.print("The exchange key does not exist.");
            out.print("Attempting to create an exchange key pair.");
            // CryptGenKey(hCryptProv, AT_KEYEXCHANGE, 0, &hKey)
            let key = h_crypt_prov.gen_key(AlgId::AT_KEYEXCHANGE, KeyFlags::empty())?;
            out.print("Exchange key pair created.");
            key
        }
    };

    // CryptDestroyKey(hKey)
    h_key.destroy()?;

    // CryptReleaseContext(hCryptProv, 0)
    h_crypt_prov.release(ReleaseFlags::empty())?;

    out.print(format!(
        "Everything is okay. A signature key pair and an exchange key exist in the \
         {psz_container_name} key container."
    ));
    Ok(())
}

/// "Example C Program: Creating a Key Container and Generating Keys".
#[test]
fn sample_creating_a_key_container_and_generating_keys() {
    let root = TempRoot::new("ms-container");
    let store = root.store();
    let everything_is_okay = "Everything is okay. A signature key pair and an exchange key exist \
                              in the My Sample Key Container key container.";

    // First run: the container and both pairs are created.
    let mut first = Console::default();
    creating_a_key_container_and_generating_keys(&store, &mut first).unwrap();
    assert_eq!(
        first.0,
        [
            "A new key container has been created.",
            "No signature key is available.",
            "The signature key does not exist.",
            "Create a signature key pair.",
            "Created a signature key pair.",
            "A signature key pair existed, or one was created.",
            "No exchange key is available.",
            "The exchange key does not exist.",
            "Attempting to create an exchange key pair.",
            "Exchange key pair created.",
            everything_is_okay,
        ]
    );

    // The pairs are in the container on disk, at the provider's default length.
    let prov = store
        .acquire(
            Some("My Sample Key Container"),
            None,
            ProviderType::RSA_FULL,
            AcquireFlags::empty(),
        )
        .unwrap();
    let public = |spec| {
        let pair = prov.user_key(spec).unwrap();
        assert_eq!(pair.key_bits(), 1024);
        pair.export(None, BlobType::PublicKeyBlob, 0)
            .unwrap()
            .to_vec()
    };
    let (signature, exchange) = (public(KeySpec::Signature), public(KeySpec::Exchange));
    assert_ne!(signature[8..], exchange[8..]);

    // "This example can be run without problem even if the named key container and
    // cryptographic keys already exist": a second run finds everything and changes nothing.
    let mut second = Console::default();
    creating_a_key_container_and_generating_keys(&store, &mut second).unwrap();
    assert_eq!(
        second.0,
        [
            "A crypto context with the My Sample Key Container key container has been acquired.",
            "A signature key is available.",
            "A signature key pair existed, or one was created.",
            "An exchange key exists.",
            everything_is_okay,
        ]
    );
    assert_eq!(public(KeySpec::Signature), signature);
    assert_eq!(public(KeySpec::Exchange), exchange);

    drop(prov);
    store
        .delete_container(
            Some("My Sample Key Container"),
            None,
            ProviderType::RSA_FULL,
            AcquireFlags::empty(),
        )
        .unwrap();
    assert!(store.containers(KeySet::User).unwrap().is_empty());
}

/// "Example C Program: Deriving a Session Key from a Password".
#[test]
fn sample_deriving_a_session_key_from_a_password() {
    let store = KeyStore::in_memory().unwrap();
    create_default_container(&store);
    // GetConsoleInput(szPassword, PASSWORD_LENGTH); dwLength = strlen(szPassword)
    let sz_password = "Sample password: 8 chars or more";
    let dw_length = sz_password.len();

    // CryptAcquireContext(&hCryptProv, NULL, NULL, PROV_RSA_FULL, 0)
    let h_crypt_prov = store
        .acquire(None, None, ProviderType::RSA_FULL, AcquireFlags::empty())
        .unwrap();
    // CryptCreateHash(hCryptProv, CALG_MD5, 0, 0, &hHash)
    let mut h_hash = h_crypt_prov.create_hash(AlgId::MD5, None).unwrap();
    // CryptHashData(hHash, (BYTE *)szPassword, dwLength, 0)
    h_hash
        .hash_data(&sz_password.as_bytes()[..dw_length])
        .unwrap();
    // CryptDeriveKey(hCryptProv, CALG_RC2, hHash, CRYPT_EXPORTABLE, &hKey)
    let h_key = h_crypt_prov
        .derive_key(AlgId::RC2, &mut h_hash, KeyFlags::EXPORTABLE)
        .unwrap();

    // "Use hKey as appropriate": the Strong provider's default RC2 key is 128 bits, the first
    // 16 bytes of the password's MD5 hash (all of it), with no salt.
    assert_eq!(h_key.key_bits(), 128);
    assert!(h_key.salt().is_empty());
    let blob = h_key.export(None, BlobType::PlaintextKeyBlob, 0).unwrap();
    assert_eq!(blob[..12], [8, 2, 0, 0, 0x02, 0x66, 0, 0, 16, 0, 0, 0]);
    assert_eq!(blob[12..], md5::Md5::digest(sz_password.as_bytes())[..]);

    // CryptDestroyHash(hHash), CryptDestroyKey(hKey), CryptReleaseContext(hCryptProv, 0)
    h_hash.destroy().unwrap();
    h_key.destroy().unwrap();
    h_crypt_prov.release(ReleaseFlags::empty()).unwrap();
}

/// "Example C Program: Importing a Plaintext Key", `_tmain`: acquire, import `key_blob`, export
/// it again; returns the exported blob and what the sample prints of it.
fn importing_a_plaintext_key(
    store: &KeyStore,
    provider: &str,
    prov_type: ProviderType,
    key_blob: &[u8],
) -> (Vec<u8>, String) {
    // CryptAcquireContext(&hProv, NULL, MS_ENHANCED_PROV, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT)
    let h_prov = match store.acquire(None, Some(provider), prov_type, AcquireFlags::VERIFYCONTEXT) {
        Ok(prov) => prov,
        // NTE_BAD_KEYSET == GetLastError(): try creating a named container.
        Err(err) if err.code() == NTE_BAD_KEYSET => {
            // CryptAcquireContext(&hProv, L"mytestcontainer", MS_ENHANCED_PROV, PROV_RSA_FULL,
            //                     CRYPT_NEWKEYSET | CRYPT_VERIFYCONTEXT)
            store
                .acquire(
                    Some("mytestcontainer"),
                    Some(provider),
                    prov_type,
                    AcquireFlags::NEWKEYSET | AcquireFlags::VERIFYCONTEXT,
                )
                .unwrap()
        }
        Err(err) => panic!("Error in AcquireContext 0x{:08x}", err.code()),
    };
    // CryptImportKey(hProv, DesKeyBlob, sizeof(DesKeyBlob), 0, CRYPT_EXPORTABLE, &hKey)
    let h_key = h_prov
        .import_key(key_blob, None, KeyFlags::EXPORTABLE)
        .unwrap();
    // CryptExportKey(hKey, NULL, PLAINTEXTKEYBLOB, 0, NULL, &dwBlobLen), then with pbKeyBlob
    let pb_key_blob = h_key.export(None, BlobType::PlaintextKeyBlob, 0).unwrap();
    // printf("%02x", pbKeyBlob[count]) for each byte
    let printed = hex(&pb_key_blob);
    println!("Printing Key BLOB for verification\n{printed}");
    // CryptReleaseContext(hProv, 0) (the sample never destroys hKey)
    drop(h_key);
    h_prov.release(ReleaseFlags::empty()).unwrap();
    (pb_key_blob.to_vec(), printed)
}

/// "Example C Program: Importing a Plaintext Key".
#[test]
fn sample_importing_a_plaintext_key() {
    let store = KeyStore::in_memory().unwrap();
    let des_key_blob: [u8; 20] = [
        0x08, 0x02, 0x00, 0x00, 0x01, 0x66, 0x00, 0x00, // BLOB header
        0x08, 0x00, 0x00, 0x00, // key length, in bytes
        0xf1, 0x0e, 0x25, 0x7c, 0x6b, 0xce, 0x0d, 0x34, // DES key with parity
    ];
    let (exported, printed) = importing_a_plaintext_key(
        &store,
        MS_ENHANCED_PROV,
        ProviderType::RSA_FULL,
        &des_key_blob,
    );
    // "verify that the plaintext key was indeed imported": the same 20 bytes come back.
    assert_eq!(exported, des_key_blob);
    assert_eq!(printed, "080200000166000008000000f10e257c6bce0d34");
    // A verify context: nothing was created, not even "mytestcontainer".
    assert!(store.containers(KeySet::User).unwrap().is_empty());
}

/// "Example C Program: Importing a Plaintext Key" with an AES-128 key on the AES provider: the
/// same calls, with the `PLAINTEXTKEYBLOB` of a `CALG_AES_128` key.
#[test]
fn sample_importing_a_plaintext_key_aes_128() {
    let store = KeyStore::in_memory().unwrap();
    let mut aes_key_blob = vec![
        0x08, 0x02, 0x00, 0x00, 0x0e, 0x66, 0x00, 0x00, // BLOB header, CALG_AES_128
        0x10, 0x00, 0x00, 0x00, // key length, in bytes
    ];
    aes_key_blob.extend(0x00..0x10u8);
    let (exported, printed) = importing_a_plaintext_key(
        &store,
        MS_ENH_RSA_AES_PROV,
        ProviderType::RSA_AES,
        &aes_key_blob,
    );
    assert_eq!(exported, aes_key_blob);
    assert_eq!(
        printed,
        "080200000e66000010000000000102030405060708090a0b0c0d0e0f"
    );
    assert!(store.containers(KeySet::User).unwrap().is_empty());
}

/// "Example C Program: Exporting a Session Key".
#[test]
fn sample_exporting_a_session_key() {
    let store = store_with_default_pairs();
    // CryptAcquireContext(&hProv, NULL, NULL, PROV_RSA_FULL, 0)
    let h_prov = store
        .acquire(None, None, ProviderType::RSA_FULL, AcquireFlags::empty())
        .unwrap();
    // CryptGetUserKey(hProv, AT_SIGNATURE, &hSignKey)
    let h_sign_key = h_prov.user_key(KeySpec::Signature).unwrap();
    // CryptGetUserKey(hProv, AT_KEYEXCHANGE, &hXchgKey)
    let h_xchg_key = h_prov.user_key(KeySpec::Exchange).unwrap();
    // CryptGenKey(hProv, CALG_RC4, CRYPT_EXPORTABLE, &hKey)
    let h_key = h_prov.gen_key(AlgId::RC4, KeyFlags::EXPORTABLE).unwrap();
    // CryptExportKey(hKey, hXchgKey, SIMPLEBLOB, 0, NULL, &dwBlobLen), then with pbKeyBlob
    let pb_key_blob = h_key
        .export(Some(&h_xchg_key), BlobType::SimpleBlob, 0)
        .unwrap();

    // A SIMPLEBLOB: BLOBHEADER (SIMPLEBLOB, version 2, CALG_RC4), the wrapping ALG_ID
    // (CALG_RSA_KEYX), then the session key encrypted to the 1024-bit exchange key.
    let dw_blob_len = pb_key_blob.len();
    assert_eq!(dw_blob_len, 8 + 4 + 128);
    assert_eq!(
        pb_key_blob[..12],
        [1, 2, 0, 0, 0x01, 0x68, 0, 0, 0x00, 0xa4, 0, 0]
    );
    // "The key BLOB can be written to disk and later read": the exchange pair unwraps it to
    // the same session key.
    let unwrapped = h_prov
        .import_key(&pb_key_blob, Some(&h_xchg_key), KeyFlags::EXPORTABLE)
        .unwrap();
    assert_eq!(
        unwrapped
            .export(None, BlobType::PlaintextKeyBlob, 0)
            .unwrap(),
        h_key.export(None, BlobType::PlaintextKeyBlob, 0).unwrap()
    );

    // free(pbKeyBlob); CryptDestroyKey(hKey), (hSignKey), (hXchgKey); CryptReleaseContext
    drop(pb_key_blob);
    drop(unwrapped);
    h_key.destroy().unwrap();
    h_sign_key.destroy().unwrap();
    h_xchg_key.destroy().unwrap();
    h_prov.release(ReleaseFlags::empty()).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Hashing.
// ---------------------------------------------------------------------------------------------

/// "Example C Program: Creating an HMAC".
#[test]
fn sample_creating_an_hmac() {
    let data1: [u8; 8] = [0x70, 0x61, 0x73, 0x73, 0x77, 0x6F, 0x72, 0x64]; // "password"
    let data2: [u8; 7] = [0x6D, 0x65, 0x73, 0x73, 0x61, 0x67, 0x65]; // "message"
    // ZeroMemory(&HmacInfo, sizeof(HmacInfo)); HmacInfo.HashAlgid = CALG_SHA1
    let hmac_info = HmacInfo::new(AlgId::SHA1);
    let store = KeyStore::in_memory().unwrap();

    // CryptAcquireContext(&hProv, NULL, NULL, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT)
    let h_prov = store
        .acquire(
            None,
            None,
            ProviderType::RSA_FULL,
            AcquireFlags::VERIFYCONTEXT,
        )
        .unwrap();
    // CryptCreateHash(hProv, CALG_SHA1, 0, 0, &hHash)
    let mut h_hash = h_prov.create_hash(AlgId::SHA1, None).unwrap();
    // CryptHashData(hHash, Data1, sizeof(Data1), 0)
    h_hash.hash_data(&data1).unwrap();
    // CryptDeriveKey(hProv, CALG_RC4, hHash, 0, &hKey)
    let h_key = h_prov
        .derive_key(AlgId::RC4, &mut h_hash, KeyFlags::empty())
        .unwrap();
    // CryptCreateHash(hProv, CALG_HMAC, hKey, 0, &hHmacHash)
    let mut h_hmac_hash = h_prov.create_hash(AlgId::HMAC, Some(&h_key)).unwrap();
    // CryptSetHashParam(hHmacHash, HP_HMAC_INFO, (BYTE*)&HmacInfo, 0)
    h_hmac_hash.set_hmac_info(&hmac_info).unwrap();
    // CryptHashData(hHmacHash, Data2, sizeof(Data2), 0)
    h_hmac_hash.hash_data(&data2).unwrap();
    // CryptGetHashParam(hHmacHash, HP_HASHVAL, NULL, &dwDataLen, 0)
    let dw_data_len = h_hmac_hash.size();
    // CryptGetHashParam(hHmacHash, HP_HASHVAL, pbHash, &dwDataLen, 0)
    let pb_hash = h_hmac_hash.param(HP_HASHVAL, 0).unwrap();
    let printed: Vec<String> = pb_hash.iter().map(|b| format!("{b:02x}")).collect();
    let printed = format!("The hash is:  {} ", printed.join(" "));
    println!("{printed}");
    // The line widely reported for this sample on Windows.
    assert_eq!(
        printed,
        "The hash is:  48 f2 57 38 29 29 43 16 fd f4 db 58 31 e1 0c 74 48 8e d4 e2 "
    );

    // The HMAC key is the derived RC4 key: the default PROV_RSA_FULL provider (Strong) makes it
    // 128 bits, the first 16 bytes of SHA-1("password").
    assert_eq!(dw_data_len, 20);
    assert_eq!(pb_hash.len(), dw_data_len);
    let key = &sha1::Sha1::digest(data1)[..16];
    let mut reference = hmac::Hmac::<sha1::Sha1>::new_from_slice(key).unwrap();
    reference.update(&data2);
    assert_eq!(pb_hash, reference.finalize().into_bytes()[..]);

    // CryptDestroyHash(hHmacHash), CryptDestroyKey(hKey), CryptDestroyHash(hHash),
    // CryptReleaseContext(hProv, 0)
    h_hmac_hash.destroy().unwrap();
    h_key.destroy().unwrap();
    h_hash.destroy().unwrap();
    h_prov.release(ReleaseFlags::empty()).unwrap();
}

/// "Example C Program: Creating and Hashing a Session Key" (`examples/session_key.rs` runs the
/// same sequence with `CALG_RC4`; the published sample generates `CALG_RC2`).
#[test]
fn sample_creating_and_hashing_a_session_key() {
    let store = KeyStore::in_memory().unwrap();
    create_default_container(&store);
    // CryptAcquireContext(&hCryptProv, NULL, NULL, PROV_RSA_FULL, 0)
    let h_crypt_prov = store
        .acquire(None, None, ProviderType::RSA_FULL, AcquireFlags::empty())
        .unwrap();
    // CryptCreateHash(hCryptProv, CALG_MD5, 0, 0, &hHash)
    let mut h_hash = h_crypt_prov.create_hash(AlgId::MD5, None).unwrap();
    // CryptGenKey(hCryptProv, CALG_RC2, CRYPT_EXPORTABLE, &hKey)
    let h_key = h_crypt_prov
        .gen_key(AlgId::RC2, KeyFlags::EXPORTABLE)
        .unwrap();
    // CryptHashSessionKey(hHash, hKey, 0)
    h_hash.hash_session_key(&h_key, 0).unwrap();

    // "Use the hash of the key object": it is the MD5 of the key bytes in big-endian order
    // (reversed), as CryptHashSessionKey hashes without CRYPT_LITTLE_ENDIAN.
    let blob = h_key.export(None, BlobType::PlaintextKeyBlob, 0).unwrap();
    let mut big_endian = blob[12..].to_vec();
    assert_eq!(big_endian.len(), 16);
    big_endian.reverse();
    assert_eq!(h_hash.value().unwrap(), md5::Md5::digest(&big_endian)[..]);

    // CryptDestroyHash(hHash), CryptDestroyKey(hKey), CryptReleaseContext(hCryptProv, 0)
    h_hash.destroy().unwrap();
    h_key.destroy().unwrap();
    h_crypt_prov.release(ReleaseFlags::empty()).unwrap();
}

/// "Example C Program: Duplicating a Hash", `Get_And_Print_Hash`: the value of a duplicate,
/// leaving the hash intact.
fn get_and_print_hash(h_o_hash: &cryptoapi::Hash<'_>) -> Vec<u8> {
    // CryptDuplicateHash(hOHash, NULL, 0, &hHash)
    let mut h_hash = h_o_hash.duplicate().unwrap();
    // CryptGetHashParam(hHash, HP_HASHSIZE, (BYTE *)&dwHashLen, &dwHashLenSize, 0)
    let dw_hash_len = h_hash.param(HP_HASHSIZE, 0).unwrap();
    let dw_hash_len = u32::from_le_bytes(dw_hash_len.try_into().unwrap()) as usize;
    // CryptGetHashParam(hHash, HP_HASHVAL, pbHash, &dwHashLen, 0)
    let pb_hash = h_hash.param(HP_HASHVAL, 0).unwrap();
    assert_eq!(pb_hash.len(), dw_hash_len);
    let printed: Vec<String> = pb_hash.iter().map(|b| format!("{b:02x}")).collect();
    println!("The hash is:  {} ", printed.join(" "));
    // CryptDestroyHash(hHash)
    h_hash.destroy().unwrap();
    pb_hash
}

/// "Example C Program: Duplicating a Hash".
#[test]
fn sample_duplicating_a_hash() {
    let store = KeyStore::in_memory().unwrap();
    create_default_container(&store);
    // CryptAcquireContext(&hCryptProv, NULL, NULL, PROV_RSA_FULL, 0)
    let h_crypt_prov = store
        .acquire(None, None, ProviderType::RSA_FULL, AcquireFlags::empty())
        .unwrap();
    // CryptCreateHash(hCryptProv, CALG_SHA1, 0, 0, &hOriginalHash)
    let mut h_original_hash = h_crypt_prov.create_hash(AlgId::SHA1, None).unwrap();
    // CryptHashData(hOriginalHash, (BYTE*)"Some Common Data", sizeof("Some Common Data"), 0):
    // sizeof counts the terminating NUL.
    h_original_hash.hash_data(b"Some Common Data\0").unwrap();
    // CryptDuplicateHash(hOriginalHash, NULL, 0, &hDuplicateHash)
    let mut h_duplicate_hash = h_original_hash.duplicate().unwrap();

    // "The original hash -- phase 1." and "The duplicate hash -- phase 1.": the same value.
    let phase_1 = sha1::Sha1::digest(b"Some Common Data\0");
    assert_eq!(get_and_print_hash(&h_original_hash), phase_1[..]);
    assert_eq!(get_and_print_hash(&h_duplicate_hash), phase_1[..]);

    // CryptHashData(hOriginalHash, (BYTE*)"Some Data", sizeof("Some Data"), 0)
    h_original_hash.hash_data(b"Some Data\0").unwrap();
    // CryptHashData(hDuplicateHash, (BYTE*)"Other Data", sizeof("Other Data"), 0)
    h_duplicate_hash.hash_data(b"Other Data\0").unwrap();

    // Phase 2: each went on from the common state with its own data.
    assert_eq!(
        get_and_print_hash(&h_original_hash),
        sha1::Sha1::digest(b"Some Common Data\0Some Data\0")[..]
    );
    assert_eq!(
        get_and_print_hash(&h_duplicate_hash),
        sha1::Sha1::digest(b"Some Common Data\0Other Data\0")[..]
    );

    // CryptDestroyHash(hOriginalHash), CryptDestroyHash(hDuplicateHash),
    // CryptReleaseContext(hCryptProv, 0)
    h_original_hash.destroy().unwrap();
    h_duplicate_hash.destroy().unwrap();
    h_crypt_prov.release(ReleaseFlags::empty()).unwrap();
}

/// "Example C Program: Signing a Hash and Verifying the Hash Signature".
#[test]
fn sample_signing_a_hash_and_verifying_the_hash_signature() {
    let store = store_with_default_pairs();
    // pbBuffer = "The data that is to be hashed and signed."; dwBufferLen = strlen + 1
    let pb_buffer = b"The data that is to be hashed and signed.\0";
    let dw_buffer_len = pb_buffer.len();

    // CryptAcquireContext(&hProv, NULL, NULL, PROV_RSA_FULL, 0)
    let h_prov = store
        .acquire(None, None, ProviderType::RSA_FULL, AcquireFlags::empty())
        .unwrap();
    // CryptGetUserKey(hProv, AT_SIGNATURE, &hKey)
    let h_key = h_prov.user_key(KeySpec::Signature).unwrap();
    // CryptExportKey(hKey, NULL, PUBLICKEYBLOB, 0, NULL, &dwBlobLen), then with pbKeyBlob
    let pb_key_blob = h_key.export(None, BlobType::PublicKeyBlob, 0).unwrap();
    let dw_blob_len = pb_key_blob.len();
    // A PUBLICKEYBLOB of CALG_RSA_SIGN: BLOBHEADER, "RSA1", 1024 bits, e = 65537, modulus.
    assert_eq!(dw_blob_len, 8 + 12 + 128);
    assert_eq!(pb_key_blob[..8], [6, 2, 0, 0, 0x00, 0x24, 0, 0]);
    assert_eq!(&pb_key_blob[8..12], b"RSA1");
    assert_eq!(pb_key_blob[12..20], [0, 4, 0, 0, 1, 0, 1, 0]);
    // CryptCreateHash(hProv, CALG_MD5, 0, 0, &hHash)
    let mut h_hash = h_prov.create_hash(AlgId::MD5, None).unwrap();
    // CryptHashData(hHash, pbBuffer, dwBufferLen, 0)
    h_hash.hash_data(&pb_buffer[..dw_buffer_len]).unwrap();
    // CryptSignHash(hHash, AT_SIGNATURE, NULL, 0, NULL, &dwSigLen)
    let dw_sig_len = h_hash.signature_len(KeySpec::Signature).unwrap();
    println!("Signature length {dw_sig_len} found.");
    assert_eq!(dw_sig_len, 128);
    // CryptSignHash(hHash, AT_SIGNATURE, NULL, 0, pbSignature, &dwSigLen)
    let pb_signature = h_hash.sign(KeySpec::Signature, 0).unwrap();
    assert_eq!(pb_signature.len(), dw_sig_len);
    // The signed value is the MD5 of the buffer, NUL included.
    assert_eq!(h_hash.value().unwrap(), md5::Md5::digest(pb_buffer)[..]);
    // CryptDestroyHash(hHash)
    h_hash.destroy().unwrap();

    // Second phase. CryptImportKey(hProv, pbKeyBlob, dwBlobLen, 0, 0, &hPubKey)
    let h_pub_key = h_prov
        .import_key(&pb_key_blob[..dw_blob_len], None, KeyFlags::empty())
        .unwrap();
    // CryptCreateHash(hProv, CALG_MD5, 0, 0, &hHash)
    let mut h_hash = h_prov.create_hash(AlgId::MD5, None).unwrap();
    // CryptHashData(hHash, pbBuffer, dwBufferLen, 0)
    h_hash.hash_data(&pb_buffer[..dw_buffer_len]).unwrap();
    // CryptVerifySignature(hHash, pbSignature, dwSigLen, hPubKey, NULL, 0):
    // "The signature has been verified."
    h_hash
        .verify_signature(&pb_signature, &h_pub_key, 0)
        .unwrap();

    // Otherwise "Signature not validated!": other data, or the buffer without its NUL.
    for other in [
        &b"The data that is to be hashed and signed!\0"[..],
        &pb_buffer[..41],
    ] {
        let mut forged = h_prov.create_hash(AlgId::MD5, None).unwrap();
        forged.hash_data(other).unwrap();
        assert_eq!(
            err_code(forged.verify_signature(&pb_signature, &h_pub_key, 0)),
            NTE_BAD_SIGNATURE
        );
    }

    // free(pbSignature); CryptDestroyHash(hHash); CryptReleaseContext(hProv, 0)
    drop(pb_signature);
    h_hash.destroy().unwrap();
    drop((h_pub_key, h_key));
    h_prov.release(ReleaseFlags::empty()).unwrap();
}

/// "Creating a CALG_SSL3_SHAMD5 Hash" (a procedure in the Hashing section, without a program
/// of its own), step by step.
#[test]
fn procedure_creating_a_calg_ssl3_shamd5_hash() {
    let data = b"Client and server handshake messages";
    let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
    prov.gen_key(AlgId::AT_SIGNATURE, KeyFlags::empty().with_key_bits(512))
        .unwrap();

    // 1. An MD5 and a SHA hash of the target data, by standard CryptoAPI methodology:
    // CryptCreateHash(CALG_MD5), CryptHashData, CryptGetHashParam(HP_HASHVAL); the same in SHA.
    let mut md5_hash = prov.create_hash(AlgId::MD5, None).unwrap();
    md5_hash.hash_data(data).unwrap();
    let mut sha_hash = prov.create_hash(AlgId::SHA1, None).unwrap();
    sha_hash.hash_data(data).unwrap();
    // 2. Concatenated, MD5 leftmost: 36 bytes.
    let mut value = md5_hash.value().unwrap();
    value.extend(sha_hash.value().unwrap());
    assert_eq!(value.len(), 36);
    assert_eq!(value[..16], md5::Md5::digest(data)[..]);
    assert_eq!(value[16..], sha1::Sha1::digest(data)[..]);
    // 3. CryptCreateHash(hProv, CALG_SSL3_SHAMD5, 0, 0, &hHash)
    let mut h_hash = prov.create_hash(AlgId::SSL3_SHAMD5, None).unwrap();
    // CryptHashData on this handle "will fail", before and after step 4 (the procedure names
    // no code; this crate answers NTE_BAD_ALGID, then NTE_BAD_HASH_STATE).
    assert_eq!(err_code(h_hash.hash_data(data)), NTE_BAD_ALGID);
    // 4. CryptSetHashParam(hHash, HP_HASHVAL, pbData, 0)
    h_hash.set_param(HP_HASHVAL, &value, 0).unwrap();
    assert!(h_hash.hash_data(data).is_err());
    // 5. CryptSignHash(hHash, AT_SIGNATURE, NULL, 0, pbSignature, &dwSigLen)
    let signature = h_hash.sign(KeySpec::Signature, 0).unwrap();
    assert_eq!(signature.len(), 64);
    // 6. CryptDestroyHash(hHash)
    h_hash.destroy().unwrap();

    // The signature verifies against a hash set to the same value, and no other.
    let public = prov.user_key(KeySpec::Signature).unwrap();
    let mut check = prov.create_hash(AlgId::SSL3_SHAMD5, None).unwrap();
    check.set_value(&value).unwrap();
    check.verify_signature(&signature, &public, 0).unwrap();
    value[35] ^= 1;
    let mut other = prov.create_hash(AlgId::SSL3_SHAMD5, None).unwrap();
    other.set_value(&value).unwrap();
    assert_eq!(
        err_code(other.verify_signature(&signature, &public, 0)),
        NTE_BAD_SIGNATURE
    );
}

/// Reads up to `buf.len()` bytes as `ReadFile` does from a disk file: short only at the end.
fn read_file(file: &mut File, buf: &mut [u8]) -> usize {
    let mut count = 0;
    while count < buf.len() {
        match file.read(&mut buf[count..]).unwrap() {
            0 => break,
            n => count += n,
        }
    }
    count
}

/// "Example C Program: Creating an MD5 Hash from File Content", `main`; returns what it prints.
fn md5_hash_from_file_content(filename: &Path) -> String {
    const BUFSIZE: usize = 1024;
    const MD5LEN: usize = 16;
    let rgb_digits = b"0123456789abcdef";
    // CreateFile(filename, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, ...)
    let mut h_file = File::open(filename).unwrap();
    let store = KeyStore::in_memory().unwrap();
    // CryptAcquireContext(&hProv, NULL, NULL, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT)
    let h_prov = store
        .acquire(
            None,
            None,
            ProviderType::RSA_FULL,
            AcquireFlags::VERIFYCONTEXT,
        )
        .unwrap();
    // CryptCreateHash(hProv, CALG_MD5, 0, 0, &hHash)
    let mut h_hash = h_prov.create_hash(AlgId::MD5, None).unwrap();
    let mut rgb_file = [0u8; BUFSIZE];
    // while (bResult = ReadFile(hFile, rgbFile, BUFSIZE, &cbRead, NULL))
    loop {
        let cb_read = read_file(&mut h_file, &mut rgb_file);
        if cb_read == 0 {
            break;
        }
        // CryptHashData(hHash, rgbFile, cbRead, 0)
        h_hash.hash_data(&rgb_file[..cb_read]).unwrap();
    }
    // cbHash = MD5LEN; CryptGetHashParam(hHash, HP_HASHVAL, rgbHash, &cbHash, 0)
    let rgb_hash = h_hash.param(HP_HASHVAL, 0).unwrap();
    assert_eq!(rgb_hash.len(), MD5LEN);
    let digits: String = rgb_hash
        .iter()
        .flat_map(|b| {
            [
                rgb_digits[usize::from(b >> 4)],
                rgb_digits[usize::from(b & 0xf)],
            ]
        })
        .map(char::from)
        .collect();
    let printed = format!("MD5 hash of file {} is: {digits}", filename.display());
    println!("{printed}");
    // CryptDestroyHash(hHash), CryptReleaseContext(hProv, 0), CloseHandle(hFile)
    h_hash.destroy().unwrap();
    h_prov.release(ReleaseFlags::empty()).unwrap();
    printed
}

/// A fresh directory for a sample's files, removed with the returned guard.
fn files_dir(tag: &str) -> (TempRoot, PathBuf) {
    let root = TempRoot::new(tag);
    fs::create_dir_all(&root.path).unwrap();
    let path = root.path.clone();
    (root, path)
}

/// "Example C Program: Creating an MD5 Hash from File Content".
#[test]
fn sample_creating_an_md5_hash_from_file_content() {
    let (_root, dir) = files_dir("ms-md5");
    let filename = dir.join("filename.txt");
    for (content, md5) in [
        // RFC 1321's test suite.
        (&b""[..], "d41d8cd98f00b204e9800998ecf8427e"),
        (b"abc", "900150983cd24fb0d6963f7d28e17f72"),
        (
            b"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
            "57edf4a22be3c955ac49da2e2107b67a",
        ),
    ] {
        fs::write(&filename, content).unwrap();
        assert_eq!(
            md5_hash_from_file_content(&filename),
            format!("MD5 hash of file {} is: {md5}", filename.display())
        );
    }
    // A file of several reads, the last one short.
    let content: Vec<u8> = (0..3000u32).map(|i| (i * 7 % 251) as u8).collect();
    fs::write(&filename, &content).unwrap();
    assert_eq!(
        md5_hash_from_file_content(&filename),
        format!(
            "MD5 hash of file {} is: {}",
            filename.display(),
            hex(&md5::Md5::digest(&content))
        )
    );
}

// ---------------------------------------------------------------------------------------------
// Encrypting and Decrypting: "Encrypting a File" and "Decrypting a File".
// ---------------------------------------------------------------------------------------------

/// The samples' `#define KEYLENGTH 0x00800000`: 128 bits in the upper half of `dwFlags`.
const KEYLENGTH: u32 = 0x0080_0000;
/// The samples' `#define ENCRYPT_ALGORITHM CALG_RC4`.
const ENCRYPT_ALGORITHM: AlgId = AlgId::RC4;
/// The samples' `#define ENCRYPT_BLOCK_SIZE 8`.
const ENCRYPT_BLOCK_SIZE: usize = 8;

/// "Example C Program: Encrypting a File", `MyEncryptFile`, with `ENCRYPT_ALGORITHM` as a
/// parameter (the sample's `#define`).
fn my_encrypt_file(
    store: &KeyStore,
    psz_source_file: &Path,
    psz_destination_file: &Path,
    psz_password: Option<&str>,
    encrypt_algorithm: AlgId,
    out: &mut Console,
) -> cryptoapi::Result<()> {
    // CreateFile(pszSourceFile, FILE_READ_DATA, ..., OPEN_EXISTING, ...)
    let mut h_source_file = File::open(psz_source_file).unwrap();
    // CreateFile(pszDestinationFile, FILE_WRITE_DATA, ..., OPEN_ALWAYS, ...)
    let mut h_destination_file = File::create(psz_destination_file).unwrap();

    // CryptAcquireContext(&hCryptProv, NULL, MS_ENHANCED_PROV, PROV_RSA_FULL, 0)
    let h_crypt_prov = store.acquire(
        None,
        Some(MS_ENHANCED_PROV),
        ProviderType::RSA_FULL,
        AcquireFlags::empty(),
    )?;
    out.print("A cryptographic provider has been acquired.");

    let mut h_hash = None;
    let mut h_key = match psz_password.filter(|p| !p.is_empty()) {
        None => {
            // No password: a random session key, written to the file in a key BLOB.
            // CryptGenKey(hCryptProv, ENCRYPT_ALGORITHM, KEYLENGTH | CRYPT_EXPORTABLE, &hKey)
            let h_key = h_crypt_prov.gen_key(
                encrypt_algorithm,
                KeyFlags::from_bits_retain(KEYLENGTH | CRYPT_EXPORTABLE),
            )?;
            out.print("A session key has been created.");

            // CryptGetUserKey(hCryptProv, AT_KEYEXCHANGE, &hXchgKey)
            let h_xchg_key = match h_crypt_prov.user_key(KeySpec::Exchange) {
                Ok(key) => {
                    out.print("The user public key has been retrieved.");
                    key
                }
                // NTE_NO_KEY == GetLastError(): no exchange key exists; try to create one.
                Err(err) if err.code() == NTE_NO_KEY => {
                    // CryptGenKey(hCryptProv, AT_KEYEXCHANGE, CRYPT_EXPORTABLE, &hXchgKey)
                    h_crypt_prov.gen_key(AlgId::AT_KEYEXCHANGE, KeyFlags::EXPORTABLE)?
                }
                Err(err) => return Err(err),
            };

            // CryptExportKey(hKey, hXchgKey, SIMPLEBLOB, 0, NULL, &dwKeyBlobLen), then with
            // pbKeyBlob
            let pb_key_blob = h_key.export(Some(&h_xchg_key), BlobType::SimpleBlob, 0)?;
            let dw_key_blob_len = u32::try_from(pb_key_blob.len()).unwrap();
            out.print(format!("The key BLOB is {dw_key_blob_len} bytes long."));
            out.print("The key has been exported.");

            // CryptDestroyKey(hXchgKey)
            h_xchg_key.destroy()?;

            // WriteFile(hDestinationFile, &dwKeyBlobLen, sizeof(DWORD), &dwCount, NULL)
            h_destination_file
                .write_all(&dw_key_blob_len.to_le_bytes())
                .unwrap();
            out.print("A file header has been written.");
            // WriteFile(hDestinationFile, pbKeyBlob, dwKeyBlobLen, &dwCount, NULL)
            h_destination_file.write_all(&pb_key_blob).unwrap();
            out.print("The key BLOB has been written to the file.");
            h_key
        }
        Some(psz_password) => {
            // A session key derived from the password.
            // CryptCreateHash(hCryptProv, CALG_MD5, 0, 0, &hHash)
            let hash = h_hash.insert(h_crypt_prov.create_hash(AlgId::MD5, None)?);
            out.print("A hash object has been created.");
            // CryptHashData(hHash, (BYTE *)pszPassword, lstrlen(pszPassword), 0)
            hash.hash_data(psz_password.as_bytes())?;
            out.print("The password has been added to the hash.");
            // CryptDeriveKey(hCryptProv, ENCRYPT_ALGORITHM, hHash, KEYLENGTH, &hKey)
            let h_key = h_crypt_prov.derive_key(
                encrypt_algorithm,
                hash,
                KeyFlags::from_bits_retain(KEYLENGTH),
            )?;
            out.print("An encryption key is derived from the password hash.");
            h_key
        }
    };

    // dwBlockLen = 1000 - 1000 % ENCRYPT_BLOCK_SIZE: a multiple of ENCRYPT_BLOCK_SIZE.
    let dw_block_len = 1000 - 1000 % ENCRYPT_BLOCK_SIZE;
    // With a block cipher, room for an extra block.
    let dw_buffer_len = if ENCRYPT_BLOCK_SIZE > 1 {
        dw_block_len + ENCRYPT_BLOCK_SIZE
    } else {
        dw_block_len
    };
    let mut pb_buffer = vec![0u8; dw_buffer_len];

    let mut f_eof = false;
    while !f_eof {
        // ReadFile(hSourceFile, pbBuffer, dwBlockLen, &dwCount, NULL)
        let dw_count = read_file(&mut h_source_file, &mut pb_buffer[..dw_block_len]);
        if dw_count < dw_block_len {
            f_eof = true;
        }
        // CryptEncrypt(hKey, NULL, fEOF, 0, pbBuffer, &dwCount, dwBufferLen)
        let dw_count = h_key.encrypt_in_place(&mut pb_buffer, dw_count, f_eof)?;
        // WriteFile(hDestinationFile, pbBuffer, dwCount, &dwCount, NULL)
        h_destination_file
            .write_all(&pb_buffer[..dw_count])
            .unwrap();
    }

    // CryptDestroyHash(hHash), CryptDestroyKey(hKey), CryptReleaseContext(hCryptProv, 0)
    if let Some(hash) = h_hash {
        hash.destroy()?;
    }
    h_key.destroy()?;
    h_crypt_prov.release(ReleaseFlags::empty())?;
    Ok(())
}

/// How the decryption loop decides it has read the last chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LastChunk {
    /// As published: `if(dwCount <= dwBlockLen) fEOF = TRUE;`, true after every read, so the
    /// loop ends after its first chunk, which it decrypts as the final one.
    AsPublished,
    /// `if(dwCount < dwBlockLen)`, the encryption loop's test: a short read is the last.
    ShortRead,
}

/// "Example C Program: Decrypting a File", `MyDecryptFile`, with the loop's end-of-file test
/// chosen by `last_chunk`.
fn my_decrypt_file(
    store: &KeyStore,
    psz_source_file: &Path,
    psz_destination_file: &Path,
    psz_password: Option<&str>,
    encrypt_algorithm: AlgId,
    last_chunk: LastChunk,
) -> cryptoapi::Result<()> {
    // CreateFile(pszSourceFile, FILE_READ_DATA, ..., OPEN_EXISTING, ...)
    let mut h_source_file = File::open(psz_source_file).unwrap();
    // CreateFile(pszDestinationFile, FILE_WRITE_DATA, ..., OPEN_ALWAYS, ...)
    let mut h_destination_file = File::create(psz_destination_file).unwrap();

    // CryptAcquireContext(&hCryptProv, NULL, MS_ENHANCED_PROV, PROV_RSA_FULL, 0)
    let h_crypt_prov = store.acquire(
        None,
        Some(MS_ENHANCED_PROV),
        ProviderType::RSA_FULL,
        AcquireFlags::empty(),
    )?;

    let mut h_hash = None;
    let mut h_key = match psz_password.filter(|p| !p.is_empty()) {
        None => {
            // Decrypt with the session key saved in the file.
            // ReadFile(hSourceFile, &dwKeyBlobLen, sizeof(DWORD), &dwCount, NULL)
            let mut dw_key_blob_len = [0u8; 4];
            h_source_file.read_exact(&mut dw_key_blob_len).unwrap();
            let dw_key_blob_len = u32::from_le_bytes(dw_key_blob_len) as usize;
            // ReadFile(hSourceFile, pbKeyBlob, dwKeyBlobLen, &dwCount, NULL)
            let mut pb_key_blob = vec![0u8; dw_key_blob_len];
            h_source_file.read_exact(&mut pb_key_blob).unwrap();
            // CryptImportKey(hCryptProv, pbKeyBlob, dwKeyBlobLen, 0, 0, &hKey): no hPubKey;
            // the container's exchange pair unwraps it.
            h_crypt_prov.import_key(&pb_key_blob, None, KeyFlags::empty())?
        }
        Some(psz_password) => {
            // CryptCreateHash(hCryptProv, CALG_MD5, 0, 0, &hHash)
            let hash = h_hash.insert(h_crypt_prov.create_hash(AlgId::MD5, None)?);
            // CryptHashData(hHash, (BYTE *)pszPassword, lstrlen(pszPassword), 0)
            hash.hash_data(psz_password.as_bytes())?;
            // CryptDeriveKey(hCryptProv, ENCRYPT_ALGORITHM, hHash, KEYLENGTH, &hKey)
            h_crypt_prov.derive_key(
                encrypt_algorithm,
                hash,
                KeyFlags::from_bits_retain(KEYLENGTH),
            )?
        }
    };

    // dwBlockLen = 1000 - 1000 % ENCRYPT_BLOCK_SIZE; dwBufferLen = dwBlockLen
    let dw_block_len = 1000 - 1000 % ENCRYPT_BLOCK_SIZE;
    let dw_buffer_len = dw_block_len;
    let mut pb_buffer = vec![0u8; dw_buffer_len];

    let mut f_eof = false;
    while !f_eof {
        // ReadFile(hSourceFile, pbBuffer, dwBlockLen, &dwCount, NULL)
        let dw_count = read_file(&mut h_source_file, &mut pb_buffer[..dw_block_len]);
        f_eof = match last_chunk {
            LastChunk::AsPublished => dw_count <= dw_block_len,
            LastChunk::ShortRead => dw_count < dw_block_len,
        };
        // CryptDecrypt(hKey, 0, fEOF, 0, pbBuffer, &dwCount)
        let dw_count = h_key.decrypt_in_place(&mut pb_buffer[..dw_count], f_eof)?;
        // WriteFile(hDestinationFile, pbBuffer, dwCount, &dwCount, NULL)
        h_destination_file
            .write_all(&pb_buffer[..dw_count])
            .unwrap();
    }

    // CryptDestroyHash(hHash), CryptDestroyKey(hKey), CryptReleaseContext(hCryptProv, 0)
    if let Some(hash) = h_hash {
        hash.destroy()?;
    }
    h_key.destroy()?;
    h_crypt_prov.release(ReleaseFlags::empty())?;
    Ok(())
}

/// A plaintext of `len` bytes, none of them a valid PKCS#5 pad byte.
fn plaintext(len: usize) -> Vec<u8> {
    (0..len).map(|i| b'a' + (i % 26) as u8).collect()
}

/// "Example C Program: Encrypting a File" and "Decrypting a File" with a password.
#[test]
fn sample_encrypting_and_decrypting_a_file_with_a_password() {
    let store = KeyStore::in_memory().unwrap();
    create_default_container(&store);
    let (_root, dir) = files_dir("ms-file-password");
    let (source, encrypted, decrypted) = (
        dir.join("plain.txt"),
        dir.join("encrypted.bin"),
        dir.join("decrypted.txt"),
    );
    let password = "Sample password";

    // 2500 bytes: the encryption loop reads 1000, 1000, then 500 (the final call).
    let plain = plaintext(2500);
    fs::write(&source, &plain).unwrap();
    let mut out = Console::default();
    my_encrypt_file(
        &store,
        &source,
        &encrypted,
        Some(password),
        ENCRYPT_ALGORITHM,
        &mut out,
    )
    .unwrap();
    out.assert_printed("An encryption key is derived from the password hash.");
    // Exactly RC4 under MD5(password), the 128-bit key KEYLENGTH asks for, as one stream.
    let mut expected = plain.clone();
    rc4::Rc4::new_from_slice(&md5::Md5::digest(password))
        .unwrap()
        .apply_keystream(&mut expected);
    assert_eq!(fs::read(&encrypted).unwrap(), expected);

    // The decryption as published stops after its first read (`dwCount <= dwBlockLen` always
    // holds): on Windows, as here, it writes the first 1000 bytes of the plaintext.
    my_decrypt_file(
        &store,
        &encrypted,
        &decrypted,
        Some(password),
        ENCRYPT_ALGORITHM,
        LastChunk::AsPublished,
    )
    .unwrap();
    assert_eq!(fs::read(&decrypted).unwrap(), plain[..1000]);
    // With the encryption loop's test, chunk by chunk, it restores the whole file.
    my_decrypt_file(
        &store,
        &encrypted,
        &decrypted,
        Some(password),
        ENCRYPT_ALGORITHM,
        LastChunk::ShortRead,
    )
    .unwrap();
    assert_eq!(fs::read(&decrypted).unwrap(), plain);

    // A file of one chunk, and an empty one, round-trip through the program as published.
    for len in [999, 0] {
        let plain = plaintext(len);
        fs::write(&source, &plain).unwrap();
        my_encrypt_file(
            &store,
            &source,
            &encrypted,
            Some(password),
            ENCRYPT_ALGORITHM,
            &mut Console::default(),
        )
        .unwrap();
        assert_eq!(fs::read(&encrypted).unwrap().len(), len);
        my_decrypt_file(
            &store,
            &encrypted,
            &decrypted,
            Some(password),
            ENCRYPT_ALGORITHM,
            LastChunk::AsPublished,
        )
        .unwrap();
        assert_eq!(fs::read(&decrypted).unwrap(), plain, "{len} bytes");
    }
}

/// "Example C Program: Encrypting a File" and "Decrypting a File" without a password: the
/// session key travels in the file as a `SIMPLEBLOB` for the container's exchange key, and the
/// decrypting program imports it with `hPubKey = 0`.
#[test]
fn sample_encrypting_and_decrypting_a_file_with_a_key_blob() {
    let root = TempRoot::new("ms-file-blob");
    let store = root.store();
    create_default_container(&store);
    let (_files, dir) = files_dir("ms-file-blob-files");
    let (source, encrypted, decrypted) = (
        dir.join("plain.txt"),
        dir.join("encrypted.bin"),
        dir.join("decrypted.txt"),
    );
    let plain = plaintext(2500);
    fs::write(&source, &plain).unwrap();

    // First run: the default container has no exchange key, so the program creates one.
    let mut first = Console::default();
    my_encrypt_file(
        &store,
        &source,
        &encrypted,
        None,
        ENCRYPT_ALGORITHM,
        &mut first,
    )
    .unwrap();
    assert_eq!(
        first.0,
        [
            "A cryptographic provider has been acquired.",
            "A session key has been created.",
            "The key BLOB is 140 bytes long.",
            "The key has been exported.",
            "A file header has been written.",
            "The key BLOB has been written to the file.",
        ]
    );
    // The file: the blob's length, the SIMPLEBLOB (CALG_RC4 wrapped by CALG_RSA_KEYX, 1024
    // bits), then the RC4 ciphertext, as long as the plaintext.
    let file = fs::read(&encrypted).unwrap();
    assert_eq!(file[..4], 140u32.to_le_bytes());
    assert_eq!(
        file[4..16],
        [1, 2, 0, 0, 0x01, 0x68, 0, 0, 0x00, 0xa4, 0, 0]
    );
    assert_eq!(file.len(), 4 + 140 + plain.len());
    assert_ne!(file[144..], plain[..]);

    // The decrypting program, a new context on the same container. As published it decrypts
    // the first chunk only (see LastChunk::AsPublished); chunk by chunk, all of it.
    my_decrypt_file(
        &store,
        &encrypted,
        &decrypted,
        None,
        ENCRYPT_ALGORITHM,
        LastChunk::AsPublished,
    )
    .unwrap();
    assert_eq!(fs::read(&decrypted).unwrap(), plain[..1000]);
    my_decrypt_file(
        &store,
        &encrypted,
        &decrypted,
        None,
        ENCRYPT_ALGORITHM,
        LastChunk::ShortRead,
    )
    .unwrap();
    assert_eq!(fs::read(&decrypted).unwrap(), plain);

    // Second run: the exchange key now exists and is used; a new session key, a new file.
    let short = plaintext(640);
    fs::write(&source, &short).unwrap();
    let mut second = Console::default();
    my_encrypt_file(
        &store,
        &source,
        &encrypted,
        None,
        ENCRYPT_ALGORITHM,
        &mut second,
    )
    .unwrap();
    second.assert_printed("The user public key has been retrieved.");
    my_decrypt_file(
        &store,
        &encrypted,
        &decrypted,
        None,
        ENCRYPT_ALGORITHM,
        LastChunk::AsPublished,
    )
    .unwrap();
    assert_eq!(fs::read(&decrypted).unwrap(), short);

    store
        .delete_container(None, None, ProviderType::RSA_FULL, AcquireFlags::empty())
        .unwrap();
}

/// The file samples with their `#define ENCRYPT_ALGORITHM` set to a block cipher, `CALG_RC2`
/// (8-byte blocks, `ENCRYPT_BLOCK_SIZE`): the final call pads into the buffer's extra block.
#[test]
fn sample_encrypting_and_decrypting_a_file_with_a_block_cipher() {
    let store = KeyStore::in_memory().unwrap();
    create_default_container(&store);
    let (_root, dir) = files_dir("ms-file-rc2");
    let (source, encrypted, decrypted) = (
        dir.join("plain.txt"),
        dir.join("encrypted.bin"),
        dir.join("decrypted.txt"),
    );
    for (password, len) in [(Some("Sample password"), 2500), (None, 2000)] {
        let plain = plaintext(len);
        fs::write(&source, &plain).unwrap();
        my_encrypt_file(
            &store,
            &source,
            &encrypted,
            password,
            AlgId::RC2,
            &mut Console::default(),
        )
        .unwrap();
        // A whole block of padding when the length is a multiple of 8 (2000: the final read
        // is empty and its call writes one block of padding alone).
        let header = if password.is_some() { 0 } else { 4 + 140 };
        assert_eq!(
            fs::read(&encrypted).unwrap().len(),
            header + len + 8 - len % 8
        );
        // As published, the first 1000-byte chunk is decrypted as the final one and its
        // "padding" (plaintext letters) is refused: "Error during CryptDecrypt!" with
        // NTE_BAD_DATA, on Windows as here.
        assert_eq!(
            err_code(my_decrypt_file(
                &store,
                &encrypted,
                &decrypted,
                password,
                AlgId::RC2,
                LastChunk::AsPublished,
            )),
            NTE_BAD_DATA
        );
        my_decrypt_file(
            &store,
            &encrypted,
            &decrypted,
            password,
            AlgId::RC2,
            LastChunk::ShortRead,
        )
        .unwrap();
        assert_eq!(fs::read(&decrypted).unwrap(), plain, "{password:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// CryptGetProvParam and CryptGetKeyParam: container information, enumeration, key lengths.
// ---------------------------------------------------------------------------------------------

/// The container-information calls of the reference pages (no "Example C Program" of their
/// own): `PP_NAME` and `PP_CONTAINER` of a context, the `PP_ENUMCONTAINERS` loop from
/// `CRYPT_FIRST` until `ERROR_NO_MORE_ITEMS`, and the key lengths `KP_KEYLEN` reports for the
/// file samples' session key and a key pair.
#[test]
fn container_information_enumeration_and_key_lengths() {
    let store = KeyStore::in_memory().unwrap();
    for name in ["My Sample Key Container", "mytestcontainer"] {
        store
            .acquire(
                Some(name),
                None,
                ProviderType::RSA_FULL,
                AcquireFlags::NEWKEYSET,
            )
            .unwrap();
    }
    // CryptAcquireContext(&hProv, "mytestcontainer", MS_ENHANCED_PROV, PROV_RSA_FULL, 0)
    let h_prov = store
        .acquire(
            Some("mytestcontainer"),
            Some(MS_ENHANCED_PROV),
            ProviderType::RSA_FULL,
            AcquireFlags::empty(),
        )
        .unwrap();
    // CryptGetProvParam(hProv, PP_NAME, ...), CryptGetProvParam(hProv, PP_CONTAINER, ...)
    assert_eq!(
        c_str(&h_prov.param(PP_NAME, 0).unwrap()),
        "Microsoft Enhanced Cryptographic Provider v1.0"
    );
    assert_eq!(
        c_str(&h_prov.param(PP_CONTAINER, 0).unwrap()),
        "mytestcontainer"
    );
    // dwFlags = CRYPT_FIRST; while (CryptGetProvParam(hProv, PP_ENUMCONTAINERS, pbData,
    // &cbData, dwFlags)) { ...; dwFlags = 0; } then GetLastError() == ERROR_NO_MORE_ITEMS
    let mut dw_flags = CRYPT_FIRST;
    let mut names = Vec::new();
    let last_error = loop {
        match h_prov.param(PP_ENUMCONTAINERS, dw_flags) {
            Ok(pb_data) => names.push(c_str(&pb_data)),
            Err(err) => break err.code(),
        }
        dw_flags = 0;
    };
    assert_eq!(last_error, ERROR_NO_MORE_ITEMS);
    assert_eq!(names, ["My Sample Key Container", "mytestcontainer"]);

    // CryptGenKey(hProv, CALG_RC4, KEYLENGTH | CRYPT_EXPORTABLE, &hKey);
    // CryptGetKeyParam(hKey, KP_KEYLEN, (BYTE*)&dwKeyLen, &cbData, 0)
    let h_key = h_prov
        .gen_key(
            AlgId::RC4,
            KeyFlags::from_bits_retain(KEYLENGTH | CRYPT_EXPORTABLE),
        )
        .unwrap();
    assert_eq!(h_key.param(KP_KEYLEN, 0).unwrap(), 128u32.to_le_bytes());
    // CryptGenKey(hProv, AT_KEYEXCHANGE, 0x02000000, &hXchgKey) (512 bits), then
    // CryptGetUserKey(hProv, AT_KEYEXCHANGE, ...) and its KP_KEYLEN
    h_prov
        .gen_key(AlgId::AT_KEYEXCHANGE, KeyFlags::empty().with_key_bits(512))
        .unwrap();
    let h_xchg_key = h_prov.user_key(KeySpec::Exchange).unwrap();
    assert_eq!(
        h_xchg_key.param(KP_KEYLEN, 0).unwrap(),
        512u32.to_le_bytes()
    );
    drop((h_key, h_xchg_key));
    h_prov.release(ReleaseFlags::empty()).unwrap();
}
