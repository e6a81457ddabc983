//! `CryptGetProvParam` / `CryptSetProvParam` by raw parameter id.

use super::Provider;
use crate::blob::dword;
use crate::error::{Error, Result};
use crate::store::KeySet;

/// `PP_ENUMCONTAINERS`: the next container name, for [`Provider::param`].
pub const PP_ENUMCONTAINERS: u32 = 2;
/// `PP_IMPTYPE`: how the provider is implemented (`CRYPT_IMPL_SOFTWARE`, 2), for
/// [`Provider::param`].
pub const PP_IMPTYPE: u32 = 3;
/// `PP_NAME`: the provider's name, for [`Provider::param`].
pub const PP_NAME: u32 = 4;
/// `PP_VERSION`: the provider's version (`0x200`), for [`Provider::param`].
pub const PP_VERSION: u32 = 5;
/// `PP_CONTAINER`: the open container's name, for [`Provider::param`].
pub const PP_CONTAINER: u32 = 6;
/// `PP_PROVTYPE`: the provider type, for [`Provider::param`].
pub const PP_PROVTYPE: u32 = 16;
/// `PP_KEYSTORAGE`: where keys are kept (`CRYPT_SEC_DESCR`, 1), for [`Provider::param`].
pub const PP_KEYSTORAGE: u32 = 17;
/// `PP_KEYSET_TYPE`: 0 for a user key set, `CRYPT_MACHINE_KEYSET` (`0x20`) for the machine's,
/// for [`Provider::param`].
pub const PP_KEYSET_TYPE: u32 = 27;
/// `PP_SIG_KEYSIZE_INC`: the signature pair's length step in bits (8), for
/// [`Provider::param`].
pub const PP_SIG_KEYSIZE_INC: u32 = 34;
/// `PP_KEYX_KEYSIZE_INC`: the exchange pair's length step in bits (8), for
/// [`Provider::param`].
pub const PP_KEYX_KEYSIZE_INC: u32 = 35;
/// `PP_UNIQUE_CONTAINER`: the container's unique name, for [`Provider::param`].
pub const PP_UNIQUE_CONTAINER: u32 = 36;
/// `PP_KEYSPEC`: the key specs the provider holds (`AT_KEYEXCHANGE | AT_SIGNATURE`, 3), for
/// [`Provider::param`].
pub const PP_KEYSPEC: u32 = 39;
/// `CRYPT_FIRST`: restart an enumeration (`PP_ENUMCONTAINERS`) from its first item.
pub const CRYPT_FIRST: u32 = 1;
/// `CRYPT_NEXT`: continue an enumeration (the same as flags 0).
pub const CRYPT_NEXT: u32 = 2;
/// `PP_CLIENT_HWND`: a *flag* of `CryptSetProvParam`: `pbData` is the window that owns the
/// provider's dialogs. This crate never shows one; see [`Provider::set_param`].
pub const PP_CLIENT_HWND: u32 = 1;

/// `CRYPT_MACHINE_KEYSET`, as `PP_KEYSET_TYPE` reports it and `PP_ENUMCONTAINERS` takes it.
const CRYPT_MACHINE_KEYSET: u32 = 0x20;
/// `CRYPT_SEC_DESCR`: keys are protected by the key set's access control.
const CRYPT_SEC_DESCR: u32 = 0x1;
/// `CRYPT_IMPL_SOFTWARE`.
const CRYPT_IMPL_SOFTWARE: u32 = 2;
/// `PP_VERSION` of Microsoft's RSA providers (2.0).
const VERSION: u32 = 0x200;
/// `AT_KEYEXCHANGE | AT_SIGNATURE`.
const BOTH_KEY_SPECS: u32 = 3;
/// `PP_*_KEYSIZE_INC`.
const KEYSIZE_INC: u32 = 8;

/// A string parameter: its bytes and the terminating NUL, exactly what the C call writes.
fn c_string(value: &str) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(value.len() + 1);
    bytes.extend_from_slice(value.as_bytes());
    bytes.push(0);
    bytes
}

impl Provider {
    /// `CryptGetProvParam` by raw parameter id, in Windows' encoding: a DWORD as 4
    /// little-endian bytes, a string as its bytes (UTF-8) **with** the terminating NUL.
    ///
    /// | id | value |
    /// |---|---|
    /// | [`PP_NAME`] | [`name`](Provider::name) |
    /// | [`PP_CONTAINER`] | [`container`](Provider::container); `""` for a verify context |
    /// | [`PP_UNIQUE_CONTAINER`] | [`unique_container`](Provider::unique_container) |
    /// | [`PP_ENUMCONTAINERS`] | the next name of [`containers`](Provider::containers) (see below) |
    /// | [`PP_PROVTYPE`] | [`prov_type`](Provider::prov_type) |
    /// | [`PP_KEYSET_TYPE`] | [`key_set`](Provider::key_set): 0 user, `CRYPT_MACHINE_KEYSET` (`0x20`) machine |
    /// | [`PP_KEYSTORAGE`] | `CRYPT_SEC_DESCR` (1) |
    /// | [`PP_KEYSPEC`] | `AT_KEYEXCHANGE \| AT_SIGNATURE` (3) |
    /// | [`PP_SIG_KEYSIZE_INC`], [`PP_KEYX_KEYSIZE_INC`] | 8 |
    /// | [`PP_IMPTYPE`] | `CRYPT_IMPL_SOFTWARE` (2) |
    /// | [`PP_VERSION`] | `0x200` |
    ///
    /// `PP_ENUMCONTAINERS` walks the key set's containers (sorted) with a cursor kept in the
    /// context and shared by its clones, as the handle's is on Windows: [`CRYPT_FIRST`] in
    /// `flags` restarts it, flags 0 (or [`CRYPT_NEXT`]) continue, and after the last name
    /// the call fails with `ERROR_NO_MORE_ITEMS`. `CRYPT_MACHINE_KEYSET` (`0x20`) in `flags`
    /// lists the machine key set. Other ids' `flags` are ignored, as Microsoft's providers
    /// ignore them.
    ///
    /// Every other id is answered `NTE_BAD_TYPE`: the algorithm enumeration `PP_ENUMALGS`
    /// (1) and `PP_ENUMALGS_EX` (22) for now (they come with a later release), and
    /// `PP_KEYSET_SEC_DESCR` (8), because containers are protected by the store's file
    /// permissions, not by Windows security descriptors.
    ///
    /// ```
    /// use cryptoapi::{Provider, ProviderType, PP_NAME, PP_PROVTYPE};
    /// let prov = Provider::verify_context(ProviderType::RSA_AES)?;
    /// assert_eq!(prov.param(PP_NAME, 0)?, b"Microsoft Enhanced RSA and AES Cryptographic Provider\0");
    /// assert_eq!(prov.param(PP_PROVTYPE, 0)?, 24u32.to_le_bytes());
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_TYPE`: an id this provider does not answer;
    /// * `ERROR_NO_MORE_ITEMS`: `PP_ENUMCONTAINERS` past the last container;
    /// * the errors of [`unique_container`](Provider::unique_container) for
    ///   `PP_UNIQUE_CONTAINER`, and of [`containers`](Provider::containers) for
    ///   `PP_ENUMCONTAINERS`.
    #[doc(alias = "CryptGetProvParam")]
    pub fn param(&self, id: u32, flags: u32) -> Result<Vec<u8>> {
        Ok(match id {
            PP_NAME => c_string(self.name()),
            PP_CONTAINER => c_string(self.container().unwrap_or_default()),
            PP_UNIQUE_CONTAINER => c_string(&self.unique_container()?),
            PP_ENUMCONTAINERS => c_string(&self.next_container(flags)?),
            PP_PROVTYPE => dword(self.prov_type().raw()),
            PP_KEYSET_TYPE => dword(match self.key_set() {
                KeySet::User => 0,
                KeySet::Machine => CRYPT_MACHINE_KEYSET,
            }),
            PP_KEYSTORAGE => dword(CRYPT_SEC_DESCR),
            PP_KEYSPEC => dword(BOTH_KEY_SPECS),
            PP_SIG_KEYSIZE_INC | PP_KEYX_KEYSIZE_INC => dword(KEYSIZE_INC),
            PP_IMPTYPE => dword(CRYPT_IMPL_SOFTWARE),
            PP_VERSION => dword(VERSION),
            _ => return Err(Error::BadType),
        })
    }

    /// `CryptSetProvParam` by raw parameter id.
    ///
    /// With the [`PP_CLIENT_HWND`] flag (whatever `id`), `data` is the window handle that
    /// would own the provider's dialogs: accepted, as advapi32 accepts it, and unused, since
    /// this crate never shows a dialog. Every parameter id is answered `NTE_BAD_TYPE`:
    /// Microsoft's RSA providers set only `PP_KEYSET_SEC_DESCR` (a container's Windows
    /// security descriptor), which has no meaning for this crate's store, whose containers
    /// are private to their owner through file permissions; the smart-card PINs,
    /// `PP_UI_PROMPT`, `PP_USE_HARDWARE_RNG` and `PP_DELETEKEY` are not offered by these
    /// providers either.
    ///
    /// # Errors
    ///
    /// * `ERROR_INVALID_PARAMETER`: `PP_CLIENT_HWND` with an empty `data` (a null window
    ///   handle, which advapi32 refuses);
    /// * `NTE_BAD_TYPE`: any parameter id.
    #[doc(alias = "CryptSetProvParam")]
    pub fn set_param(&self, id: u32, data: &[u8], flags: u32) -> Result<()> {
        let _ = id;
        if flags & PP_CLIENT_HWND != 0 {
            return if data.is_empty() {
                Err(Error::InvalidParameter)
            } else {
                Ok(())
            };
        }
        Err(Error::BadType)
    }

    /// `PP_ENUMCONTAINERS`: the container at the context's cursor, advancing it.
    fn next_container(&self, flags: u32) -> Result<String> {
        let keyset = if flags & CRYPT_MACHINE_KEYSET != 0 {
            KeySet::Machine
        } else {
            self.key_set()
        };
        let mut cursor = self
            .ctx
            .enum_cursor
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if flags & CRYPT_FIRST != 0 {
            *cursor = 0;
        }
        let name = self
            .containers_in(keyset)?
            .into_iter()
            .nth(*cursor)
            .ok_or(Error::NoMoreItems)?;
        *cursor += 1;
        Ok(name)
    }
}
