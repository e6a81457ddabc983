//! Properties of the two byte codecs, the key BLOBs and the container file format, checked
//! through the public API only (`Provider::import_key`, `Key::export`, `KeyStore`).
//!
//! Key BLOBs:
//!
//! * an exportable RSA pair imported from its `PRIVATEKEYBLOB`, or a public key from its
//!   `PUBLICKEYBLOB`, exports the same bytes, at lengths across the range (384 to 2048 bits,
//!   odd half-lengths included), with trailing bytes after the blob ignored;
//! * every truncation of a valid RSA blob is `NTE_BAD_DATA`, except a `PRIVATEKEYBLOB` cut
//!   inside its private exponent, which imports the same pair (the exponent is rebuilt);
//! * any single bit flip of a valid RSA blob either fails with a named code or imports a key of
//!   a sane length;
//! * arbitrary bytes behind any blob type header, with any flags and unwrap key, never panic and
//!   only ever fail with a named Windows code (an unsupported blob type with `NTE_BAD_TYPE`);
//! * a `PLAINTEXTKEYBLOB` of any algorithm and key bytes that a provider accepts exports the
//!   same bytes, and every truncation of one is `NTE_BAD_DATA`.
//!
//! Container files (written into a temporary `KeyStore::at(root)`):
//!
//! * arbitrary bytes, sealed with a valid checksum or not, never panic `acquire`, and the only
//!   error is `NTE_KEYSET_ENTRY_BAD`;
//! * a well-formed, sealed file with arbitrary slot contents opens, and each slot reads as its
//!   pair, `NTE_NO_KEY` or `NTE_KEYSET_ENTRY_BAD`;
//! * any bit flip, truncation or extension of a valid file is `NTE_KEYSET_ENTRY_BAD`, and the
//!   file is left out of the container list;
//! * a container of any name (1 to 260 characters, no NUL) with any pairs in its slots, written
//!   through the API, reads back the same from a new store object.
//!
//! The pairs are generated once per process and shared (key generation is the slow part). What
//! only the private codec functions can show (every truncation and bit flip of one sample, any
//! `ALG_ID` in a plaintext blob, arbitrary slot bytes in a record) stays in the crate's unit
//! tests.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::fs;
use std::sync::OnceLock;

use cryptoapi::codes::{
    ERROR_INVALID_PARAMETER, NTE_BAD_DATA, NTE_BAD_KEY_STATE, NTE_BAD_TYPE, NTE_KEYSET_ENTRY_BAD,
    NTE_NO_KEY,
};
use cryptoapi::{
    AcquireFlags, AlgId, BlobType, CRYPT_OAEP, Error, Key, KeyFlags, KeySet, KeySpec, KeyStore,
    MS_DEF_PROV, MS_ENH_RSA_AES_PROV, MS_ENHANCED_PROV, MS_STRONG_PROV, Provider, ProviderType,
};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;
use sha2::{Digest, Sha256};

mod common;
use common::{TempRoot, err_code, plaintext_blob};

/// Lengths of the shared pairs: the shortest, one whose halves have an odd byte count, the
/// usual ones, and lengths that are not multiples of 16 or of 64.
const PAIR_BITS: [u16; 6] = [384, 392, 520, 1000, 1024, 2048];
/// Largest RSA modulus the providers take, in bits.
const MAX_RSA_BITS: u32 = 16384;
/// The size of a container file's trailing SHA-256.
const CHECKSUM_LEN: usize = 32;

/// No `proptest-regressions/` directory: a failure found here becomes an explicit test.
fn config(cases: u32) -> Config {
    Config {
        failure_persistence: None,
        ..Config::with_cases(cases)
    }
}

/// A generated, exportable RSA pair: its blobs with `CALG_RSA_KEYX` in the header.
struct Pair {
    bits: u32,
    private: Vec<u8>,
    public: Vec<u8>,
}

impl Pair {
    /// The blob of `kind` with `alg` in its header.
    fn blob(&self, kind: BlobType, alg: AlgId) -> Vec<u8> {
        let mut blob = if kind == BlobType::PrivateKeyBlob {
            self.private.clone()
        } else {
            self.public.clone()
        };
        blob[4..8].copy_from_slice(&alg.raw().to_le_bytes());
        blob
    }

    /// Where the private exponent of the `PRIVATEKEYBLOB` starts: a cut at or after it imports.
    fn private_exponent_at(&self) -> usize {
        let (n_len, half) = (
            self.bits.div_ceil(8) as usize,
            self.bits.div_ceil(16) as usize,
        );
        8 + 12 + n_len + 5 * half
    }
}

/// The shared pairs, one per [`PAIR_BITS`] length, generated on first use (two threads).
fn pairs() -> &'static [Pair] {
    static PAIRS: OnceLock<Vec<Pair>> = OnceLock::new();
    PAIRS.get_or_init(|| {
        let make = |bits: u16| {
            let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
            let pair = prov
                .gen_key(AlgId::RSA_KEYX, KeyFlags::EXPORTABLE.with_key_bits(bits))
                .unwrap();
            Pair {
                bits: u32::from(bits),
                private: pair
                    .export(None, BlobType::PrivateKeyBlob, 0)
                    .unwrap()
                    .to_vec(),
                public: pair
                    .export(None, BlobType::PublicKeyBlob, 0)
                    .unwrap()
                    .to_vec(),
            }
        };
        // The longest pair takes as long as all the others together.
        let (longest, rest) = PAIR_BITS.split_last().unwrap();
        let longest = std::thread::spawn(move || make(*longest));
        let mut pairs: Vec<Pair> = rest.iter().map(|&bits| make(bits)).collect();
        pairs.push(longest.join().unwrap());
        pairs
    })
}

/// A pair's index into [`pairs`].
fn pair_index() -> impl Strategy<Value = usize> {
    0..PAIR_BITS.len()
}

/// The 512-bit-or-less pairs, for properties that import many blobs.
fn small_pair_index() -> impl Strategy<Value = usize> {
    0..3usize
}

/// A verify context of one of the four providers (Base, Strong, Enhanced, AES).
fn provider(sel: usize) -> Provider {
    let (name, prov_type) = [
        (MS_DEF_PROV, ProviderType::RSA_FULL),
        (MS_STRONG_PROV, ProviderType::RSA_FULL),
        (MS_ENHANCED_PROV, ProviderType::RSA_FULL),
        (MS_ENH_RSA_AES_PROV, ProviderType::RSA_AES),
    ][sel];
    Provider::acquire(None, Some(name), prov_type, AcquireFlags::VERIFYCONTEXT).unwrap()
}

/// The AES provider's verify context (it takes every pair length).
fn aes() -> Provider {
    provider(3)
}

/// An error must be one of the crate's named Windows codes.
#[track_caller]
fn named(err: &Error) -> Result<(), TestCaseError> {
    prop_assert!(
        err.windows_name().is_some(),
        "unnamed error code {:#x}: {err:?}",
        err.code()
    );
    Ok(())
}

/// The header `ALG_ID` an RSA blob may carry and still export byte-identical.
fn rsa_alg() -> impl Strategy<Value = AlgId> {
    prop_oneof![Just(AlgId::RSA_KEYX), Just(AlgId::RSA_SIGN)]
}

fn rsa_kind() -> impl Strategy<Value = BlobType> {
    prop_oneof![
        Just(BlobType::PrivateKeyBlob),
        Just(BlobType::PublicKeyBlob)
    ]
}

// ---------------------------------------------------------------------------------------------
// Key BLOBs
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(48))]

    /// Import then export gives back the blob, whatever follows it in the buffer.
    #[test]
    fn rsa_blobs_round_trip(
        pair in pair_index(),
        kind in rsa_kind(),
        alg in rsa_alg(),
        trailing in proptest::collection::vec(any::<u8>(), 0..16),
    ) {
        let blob = pairs()[pair].blob(kind, alg);
        let mut buffer = blob.clone();
        buffer.extend_from_slice(&trailing);
        let prov = aes();
        let key = prov.import_key(&buffer, None, KeyFlags::EXPORTABLE).unwrap();
        prop_assert_eq!(key.key_bits(), pairs()[pair].bits);
        prop_assert_eq!(key.export(None, kind, 0).unwrap().to_vec(), blob.clone());
        if kind == BlobType::PrivateKeyBlob {
            // The pair went into the slot its ALG_ID names, and reads back the same.
            let spec = if alg == AlgId::RSA_KEYX { KeySpec::Exchange } else { KeySpec::Signature };
            let again = prov.user_key(spec).unwrap();
            prop_assert_eq!(again.export(None, kind, 0).unwrap().to_vec(), blob.clone());
        } else {
            let private = key.export(None, BlobType::PrivateKeyBlob, 0);
            prop_assert_eq!(err_code(private), NTE_BAD_KEY_STATE);
        }
    }
}

proptest! {
    #![proptest_config(config(192))]

    /// A cut blob is `NTE_BAD_DATA` (an empty one `ERROR_INVALID_PARAMETER`, advapi32's own
    /// check), never a panic, except a private blob cut inside its private exponent: Windows
    /// accepts that, and the pair is rebuilt from its primes.
    #[test]
    fn rsa_blob_truncations_are_errors(
        pair in pair_index(),
        kind in rsa_kind(),
        alg in rsa_alg(),
        cut in any::<Index>(),
    ) {
        let pair = &pairs()[pair];
        let blob = pair.blob(kind, alg);
        let len = cut.index(blob.len());
        let prov = aes();
        let result = prov.import_key(&blob[..len], None, KeyFlags::EXPORTABLE);
        if kind == BlobType::PrivateKeyBlob && len >= pair.private_exponent_at() {
            let key = result.unwrap();
            prop_assert_eq!(key.export(None, kind, 0).unwrap().to_vec(), blob.clone());
        } else {
            prop_assert_eq!(err_code(result), cut_blob_code(len), "cut at {} of {}", len, blob.len());
        }
    }

    /// One flipped bit anywhere: a named error, or a key of a length the providers handle.
    #[test]
    fn rsa_blob_bit_flips_are_errors_or_sane_keys(
        pair in pair_index(),
        kind in rsa_kind(),
        alg in rsa_alg(),
        at in any::<Index>(),
        bit in 0u8..8,
    ) {
        let mut blob = pairs()[pair].blob(kind, alg);
        let i = at.index(blob.len());
        blob[i] ^= 1 << bit;
        let prov = aes();
        match prov.import_key(&blob, None, KeyFlags::EXPORTABLE) {
            Ok(key) => {
                let bits = key.key_bits();
                prop_assert!(bits > 0 && bits <= MAX_RSA_BITS, "{bits} bits, byte {i} flipped");
            }
            Err(err) => named(&err)?,
        }
    }
}

/// Blob type bytes: the known ones, and any byte.
fn blob_type_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        4 => prop::sample::select(vec![1u8, 6, 7, 8, 9, 10, 11]),
        1 => any::<u8>(),
    ]
}

/// `ALG_ID`s: key pairs, session keys, hashes, and any value.
fn alg_id() -> impl Strategy<Value = u32> {
    prop_oneof![
        3 => prop::sample::select(vec![
            1u32, 2, 0x2400, 0xA400, 0x6601, 0x6602, 0x6603, 0x6609, 0x660E, 0x660F, 0x6610,
            0x6611, 0x6801, 0x8004, 0x8009, 0x800C,
        ]),
        1 => any::<u32>(),
    ]
}

/// A body that reaches past the RSA checks some of the time: a magic, a bit length and an
/// exponent, then arbitrary bytes.
fn rsa_like_body() -> impl Strategy<Value = Vec<u8>> {
    (
        prop_oneof![Just(0x3141_5352u32), Just(0x3241_5352), any::<u32>()],
        prop_oneof![
            prop::sample::select(vec![
                0u32,
                1,
                8,
                255,
                256,
                384,
                392,
                512,
                16384,
                16385,
                u32::MAX
            ]),
            0u32..4096,
        ],
        prop_oneof![prop::sample::select(vec![0u32, 1, 3, 65537]), any::<u32>()],
        proptest::collection::vec(any::<u8>(), 0..700),
    )
        .prop_map(|(magic, bits, exponent, rest)| {
            let mut body = Vec::with_capacity(12 + rest.len());
            for word in [magic, bits, exponent] {
                body.extend_from_slice(&word.to_le_bytes());
            }
            body.extend_from_slice(&rest);
            body
        })
}

/// A `PLAINTEXTKEYBLOB`-like body: a length field (right, or off by a little, or any), then
/// arbitrary key bytes.
fn plaintext_like_body() -> impl Strategy<Value = Vec<u8>> {
    (
        proptest::collection::vec(any::<u8>(), 0..40),
        prop_oneof![3 => Just(0i64), 1 => -2i64..=2, 1 => any::<u32>().prop_map(i64::from)],
    )
        .prop_map(|(key, delta)| {
            let len = i64::try_from(key.len()).unwrap();
            let field = u32::try_from((len + delta).max(0)).unwrap_or(u32::MAX);
            let mut body = field.to_le_bytes().to_vec();
            body.extend_from_slice(&key);
            body
        })
}

/// Flags: none, the ones import takes, and any value (undefined bits included).
fn import_flags() -> impl Strategy<Value = KeyFlags> {
    prop_oneof![
        3 => prop::sample::select(vec![
            KeyFlags::empty(),
            KeyFlags::EXPORTABLE,
            KeyFlags::from_bits_retain(CRYPT_OAEP),
            KeyFlags::IPSEC_HMAC_KEY,
        ]),
        1 => any::<u32>().prop_map(KeyFlags::from_bits_retain),
    ]
}

proptest! {
    #![proptest_config(config(512))]

    /// `import_key` of arbitrary bytes never panics and fails only with named codes.
    #[test]
    fn arbitrary_blobs_never_panic(
        prov in 0..4usize,
        blob_type in blob_type_byte(),
        version in prop_oneof![7 => Just(2u8), 1 => any::<u8>()],
        reserved in prop_oneof![7 => Just(0u16), 1 => any::<u16>()],
        alg in alg_id(),
        body in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..400),
            rsa_like_body(),
            plaintext_like_body(),
        ],
        header_cut in prop_oneof![7 => Just(8usize), 1 => 0..8usize],
        flags in import_flags(),
        unwrap in prop_oneof![3 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8), 1 => Just(3u8)],
    ) {
        let prov = provider(prov);
        // None, the exchange pair, its public key, or a session key.
        let unwrap_key: Option<Key<'_>> = match unwrap {
            0 => None,
            1 => Some(prov.import_key(&pairs()[0].private, None, KeyFlags::empty()).unwrap()),
            2 => Some(prov.import_key(&pairs()[0].public, None, KeyFlags::empty()).unwrap()),
            _ => Some(prov.gen_key(AlgId::RC4, KeyFlags::empty()).unwrap()),
        };
        let mut blob = vec![blob_type, version];
        blob.extend_from_slice(&reserved.to_le_bytes());
        blob.extend_from_slice(&alg.to_le_bytes());
        blob.truncate(header_cut);
        blob.extend_from_slice(&body);
        match prov.import_key(&blob, unwrap_key.as_ref(), flags) {
            Ok(_) => {}
            Err(err) => {
                named(&err)?;
                let well_formed = header_cut == 8 && version == 2 && reserved == 0;
                let plain_flags = flags.is_empty() || flags == KeyFlags::EXPORTABLE;
                if well_formed && plain_flags && ![1, 6, 7, 8].contains(&blob_type) {
                    prop_assert_eq!(err.code(), NTE_BAD_TYPE);
                }
            }
        }
    }
}

/// Session algorithms, other algorithms, and any `ALG_ID`.
fn plaintext_alg() -> impl Strategy<Value = AlgId> {
    prop_oneof![
        4 => prop::sample::select(vec![
            AlgId::RC2,
            AlgId::RC4,
            AlgId::DES,
            AlgId::TRIPLE_DES_112,
            AlgId::TRIPLE_DES,
            AlgId::AES_128,
            AlgId::AES_192,
            AlgId::AES_256,
        ]),
        1 => alg_id().prop_map(AlgId::from_raw),
    ]
}

/// An algorithm and a key length: pairs some provider takes, or any of both.
fn plaintext_key() -> impl Strategy<Value = (AlgId, Vec<u8>)> {
    let taken = prop::sample::select(vec![
        (AlgId::RC2, 5usize),
        (AlgId::RC2, 16),
        (AlgId::RC4, 5),
        (AlgId::RC4, 16),
        (AlgId::DES, 8),
        (AlgId::TRIPLE_DES_112, 16),
        (AlgId::TRIPLE_DES, 24),
        (AlgId::AES_128, 16),
        (AlgId::AES_192, 24),
        (AlgId::AES_256, 32),
    ]);
    prop_oneof![
        2 => taken,
        1 => (plaintext_alg(), 0..100usize),
    ]
    .prop_flat_map(|(alg, len)| (Just(alg), proptest::collection::vec(any::<u8>(), len)))
}

proptest! {
    #![proptest_config(config(256))]

    /// A `PLAINTEXTKEYBLOB` a provider accepts exports the same bytes; a refusal is a named
    /// code; trailing bytes after the blob are ignored.
    #[test]
    fn plaintext_blobs_round_trip_where_accepted(
        prov in 0..4usize,
        (alg, key) in plaintext_key(),
        hmac in any::<bool>(),
        trailing in proptest::collection::vec(any::<u8>(), 0..8),
    ) {
        let prov = provider(prov);
        let blob = plaintext_blob(alg, &key);
        let mut buffer = blob.to_vec();
        buffer.extend_from_slice(&trailing);
        let flags = if hmac {
            KeyFlags::EXPORTABLE | KeyFlags::IPSEC_HMAC_KEY
        } else {
            KeyFlags::EXPORTABLE
        };
        match prov.import_key(&buffer, None, flags) {
            Ok(imported) => {
                prop_assert_eq!(imported.alg_id(), alg);
                let exported = imported.export(None, BlobType::PlaintextKeyBlob, 0).unwrap();
                prop_assert_eq!(exported.to_vec(), blob.to_vec());
            }
            Err(err) => named(&err)?,
        }
    }

    /// Every cut `PLAINTEXTKEYBLOB` is `NTE_BAD_DATA` (its length field promises more), an
    /// empty one `ERROR_INVALID_PARAMETER`.
    #[test]
    fn plaintext_blob_truncations_are_errors(
        prov in 0..4usize,
        alg in plaintext_alg(),
        key in proptest::collection::vec(any::<u8>(), 0..40),
        cut in any::<Index>(),
    ) {
        let prov = provider(prov);
        let blob = plaintext_blob(alg, &key);
        let len = cut.index(blob.len());
        let result = prov.import_key(&blob[..len], None, KeyFlags::EXPORTABLE);
        prop_assert_eq!(err_code(result), cut_blob_code(len), "cut at {} of {}", len, blob.len());
    }
}

/// What importing the first `len` bytes of a valid blob answers: advapi32 refuses an empty
/// blob itself (`ERROR_INVALID_PARAMETER`); the provider finds any other cut short.
fn cut_blob_code(len: usize) -> u32 {
    if len == 0 {
        ERROR_INVALID_PARAMETER
    } else {
        NTE_BAD_DATA
    }
}

// ---------------------------------------------------------------------------------------------
// Container files
// ---------------------------------------------------------------------------------------------

const CONTAINER: &str = "codec-properties";

/// Opens `CONTAINER` in a new store object on `root`.
fn open(root: &TempRoot) -> cryptoapi::Result<Provider> {
    KeyStore::at(&root.path).acquire(
        Some(CONTAINER),
        None,
        ProviderType::RSA_AES,
        AcquireFlags::empty(),
    )
}

/// The container file of `CONTAINER` under `root`.
fn container_file(root: &TempRoot) -> std::path::PathBuf {
    root.store()
        .container_path(KeySet::User, CONTAINER)
        .unwrap()
}

/// A store with `CONTAINER` created through the API, its file holding two pairs (`full`),
/// and the same file of the empty container without its two slot bytes and checksum
/// (`prefix`: magic, version, id and name).
struct Sample {
    root: TempRoot,
    full: Vec<u8>,
    prefix: Vec<u8>,
}

fn sample(tag: &str) -> Sample {
    let root = TempRoot::new(tag);
    let prov = root
        .store()
        .acquire(
            Some(CONTAINER),
            None,
            ProviderType::RSA_AES,
            AcquireFlags::NEWKEYSET,
        )
        .unwrap();
    let path = container_file(&root);
    let empty = fs::read(&path).unwrap();
    assert_eq!(
        &empty[empty.len() - CHECKSUM_LEN - 2..][..2],
        [0, 0],
        "two empty slots"
    );
    let prefix = empty[..empty.len() - CHECKSUM_LEN - 2].to_vec();
    prov.import_key(&pairs()[0].private, None, KeyFlags::EXPORTABLE)
        .unwrap();
    prov.import_key(
        &pairs()[1].blob(BlobType::PrivateKeyBlob, AlgId::RSA_SIGN),
        None,
        KeyFlags::empty(),
    )
    .unwrap();
    let full = fs::read(&path).unwrap();
    drop(prov);
    Sample { root, full, prefix }
}

/// `bytes` followed by their SHA-256, as the format seals a file.
fn sealed(mut bytes: Vec<u8>) -> Vec<u8> {
    let sum = Sha256::digest(&bytes);
    bytes.extend_from_slice(&sum);
    bytes
}

/// An open that failed must have failed as a corrupt container.
fn corrupt_or_open(result: &cryptoapi::Result<Provider>) -> Result<(), TestCaseError> {
    if let Err(err) = result {
        prop_assert_eq!(err.code(), NTE_KEYSET_ENTRY_BAD, "{:?}", err);
    }
    Ok(())
}

/// A slot of a container file as the test writes it.
#[derive(Clone, Debug)]
enum SlotBytes {
    /// Tag 0.
    Empty,
    /// Tag 1 with a shared pair's `PRIVATEKEYBLOB`.
    Pair { permissions: u32, pair: usize },
    /// Tag 1 with arbitrary bytes as the blob (a real blob cut or flipped, or noise).
    Blob { permissions: u32, blob: Vec<u8> },
    /// Anything at all in place of the slot.
    Raw(Vec<u8>),
}

impl SlotBytes {
    fn encode(&self, out: &mut Vec<u8>) {
        let mut tagged = |permissions: u32, blob: &[u8]| {
            out.push(1);
            out.extend_from_slice(&permissions.to_le_bytes());
            out.extend_from_slice(&u32::try_from(blob.len()).unwrap().to_le_bytes());
            out.extend_from_slice(blob);
        };
        match self {
            SlotBytes::Empty => out.push(0),
            SlotBytes::Pair { permissions, pair } => tagged(*permissions, &pairs()[*pair].private),
            SlotBytes::Blob { permissions, blob } => tagged(*permissions, blob),
            SlotBytes::Raw(bytes) => out.extend_from_slice(bytes),
        }
    }
}

fn slot_bytes() -> impl Strategy<Value = SlotBytes> {
    let damaged = (
        small_pair_index(),
        any::<Index>(),
        any::<Index>(),
        any::<u8>(),
    )
        .prop_map(|(pair, cut, at, mask)| {
            let mut blob = pairs()[pair].private.clone();
            let i = at.index(blob.len());
            blob[i] ^= mask;
            blob.truncate(cut.index(blob.len() + 1));
            blob
        });
    prop_oneof![
        Just(SlotBytes::Empty),
        (any::<u32>(), small_pair_index())
            .prop_map(|(permissions, pair)| SlotBytes::Pair { permissions, pair }),
        (
            any::<u32>(),
            prop_oneof![damaged, proptest::collection::vec(any::<u8>(), 0..300)]
        )
            .prop_map(|(permissions, blob)| SlotBytes::Blob { permissions, blob }),
        proptest::collection::vec(any::<u8>(), 0..24).prop_map(SlotBytes::Raw),
    ]
}

// The store of each container property lives in its test function (a static would never be
// dropped, and its temporary directory never removed), hence the closure form of `proptest!`.

/// Arbitrary bytes as a container file, sealed or not: `acquire` never panics, and fails only
/// with `NTE_KEYSET_ENTRY_BAD`.
#[test]
fn arbitrary_container_files_never_panic() {
    let sample = sample("codec-arbitrary");
    proptest!(config(128), |(
        bytes in proptest::collection::vec(any::<u8>(), 0..200),
        seal in any::<bool>(),
    )| {
        let file = if seal { sealed(bytes) } else { bytes };
        fs::write(container_file(&sample.root), &file).unwrap();
        let result = open(&sample.root);
        corrupt_or_open(&result)?;
    });
}

/// A well-formed header and name, arbitrary slots and tail, sealed: the container opens when
/// the slots are well-formed and nothing follows them, and every slot then reads as its pair,
/// `NTE_NO_KEY` or `NTE_KEYSET_ENTRY_BAD`.
#[test]
fn sealed_container_files_with_arbitrary_slots() {
    let sample = sample("codec-slots");
    proptest!(config(128), |(
        slots in [slot_bytes(), slot_bytes()],
        tail in prop_oneof![
            3 => Just(Vec::new()),
            1 => proptest::collection::vec(any::<u8>(), 1..8),
        ],
    )| {
        let mut body = sample.prefix.clone();
        for slot in &slots {
            slot.encode(&mut body);
        }
        body.extend_from_slice(&tail);
        fs::write(container_file(&sample.root), sealed(body)).unwrap();
        let result = open(&sample.root);
        corrupt_or_open(&result)?;
        if slots.iter().any(|s| matches!(s, SlotBytes::Raw(_))) {
            return Ok(());
        }
        if !tail.is_empty() {
            // Bytes after the second slot: the decoder wants the exact length.
            prop_assert_eq!(err_code(result), NTE_KEYSET_ENTRY_BAD);
            return Ok(());
        }
        let prov = result.unwrap();
        for (slot, spec) in slots.iter().zip([KeySpec::Exchange, KeySpec::Signature]) {
            let read = prov.user_key(spec);
            match slot {
                SlotBytes::Empty => prop_assert_eq!(err_code(read), NTE_NO_KEY),
                SlotBytes::Pair { permissions, pair } => {
                    let key = read.unwrap();
                    prop_assert_eq!(key.permissions().bits(), *permissions);
                    let public = key.export(None, BlobType::PublicKeyBlob, 0).unwrap();
                    prop_assert_eq!(&public[8..], &pairs()[*pair].public[8..]);
                }
                SlotBytes::Blob { .. } => match read {
                    Ok(key) => prop_assert!(key.key_bits() > 0 && key.key_bits() <= MAX_RSA_BITS),
                    Err(err) => prop_assert_eq!(err.code(), NTE_KEYSET_ENTRY_BAD, "{:?}", err),
                },
                SlotBytes::Raw(_) => unreachable!(),
            }
        }
    });
}

/// A damage to a valid container file.
#[derive(Clone, Debug)]
enum Damage {
    Flip(Index, u8),
    Truncate(Index),
    Extend(Vec<u8>),
}

/// A flipped bit, a cut or extra bytes anywhere in a valid file: `NTE_KEYSET_ENTRY_BAD`, and
/// the container list leaves the file out.
#[test]
fn any_container_corruption_is_detected() {
    let sample = sample("codec-corrupt");
    proptest!(config(128), |(
        damage in prop_oneof![
            3 => (any::<Index>(), 0u8..8).prop_map(|(at, bit)| Damage::Flip(at, bit)),
            1 => any::<Index>().prop_map(Damage::Truncate),
            1 => proptest::collection::vec(any::<u8>(), 1..40).prop_map(Damage::Extend),
        ],
    )| {
        let mut file = sample.full.clone();
        match &damage {
            Damage::Flip(at, bit) => {
                let i = at.index(file.len());
                file[i] ^= 1 << bit;
            }
            Damage::Truncate(at) => file.truncate(at.index(file.len())),
            Damage::Extend(extra) => file.extend_from_slice(extra),
        }
        fs::write(container_file(&sample.root), &file).unwrap();
        prop_assert_eq!(err_code(open(&sample.root)), NTE_KEYSET_ENTRY_BAD);
        prop_assert!(sample.root.store().containers(KeySet::User).unwrap().is_empty());
    });
}

proptest! {
    #![proptest_config(config(32))]

    /// A container of any name with any pairs, written through the API, reads back the same
    /// from a new store object on the same root.
    #[test]
    fn containers_round_trip(
        name in "[^\0]{1,260}",
        slots in [
            proptest::option::of((small_pair_index(), any::<bool>())),
            proptest::option::of((small_pair_index(), any::<bool>())),
        ],
    ) {
        let root = TempRoot::new("codec-round-trip");
        let prov = root
            .store()
            .acquire(Some(&name), None, ProviderType::RSA_AES, AcquireFlags::NEWKEYSET)
            .unwrap();
        let algs = [AlgId::RSA_KEYX, AlgId::RSA_SIGN];
        for (slot, alg) in slots.iter().zip(algs) {
            if let Some((pair, exportable)) = *slot {
                let flags = if exportable { KeyFlags::EXPORTABLE } else { KeyFlags::empty() };
                let blob = pairs()[pair].blob(BlobType::PrivateKeyBlob, alg);
                prov.import_key(&blob, None, flags).unwrap();
            }
        }
        drop(prov);

        let store = KeyStore::at(&root.path);
        prop_assert_eq!(store.containers(KeySet::User).unwrap(), vec![name.clone()]);
        let prov = store
            .acquire(Some(&name), None, ProviderType::RSA_AES, AcquireFlags::empty())
            .unwrap();
        prop_assert_eq!(prov.container(), Some(name.as_str()));
        let specs = [KeySpec::Exchange, KeySpec::Signature];
        for ((slot, alg), spec) in slots.iter().zip(algs).zip(specs) {
            let read = prov.user_key(spec);
            let Some((pair, exportable)) = *slot else {
                prop_assert_eq!(err_code(read), NTE_NO_KEY);
                continue;
            };
            let key = read.unwrap();
            let pair = &pairs()[pair];
            prop_assert_eq!(
                key.export(None, BlobType::PublicKeyBlob, 0).unwrap().to_vec(),
                pair.blob(BlobType::PublicKeyBlob, alg)
            );
            let private = key.export(None, BlobType::PrivateKeyBlob, 0);
            if exportable {
                let expected = pair.blob(BlobType::PrivateKeyBlob, alg);
                prop_assert_eq!(private.unwrap().to_vec(), expected);
            } else {
                prop_assert_eq!(err_code(private), NTE_BAD_KEY_STATE);
            }
        }
    }
}
