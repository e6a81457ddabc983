//! `CryptGetProvParam` / `CryptSetProvParam` by raw parameter id.

use super::Provider;
use super::security::{self, Access};
use crate::alg::AlgInfo;
use crate::blob::dword;
use crate::error::{Error, Result};
use crate::store::{ContainerAccess, KeySet};

/// `PP_ENUMALGS`: the next algorithm as a `PROV_ENUMALGS` (32 bytes), for [`Provider::param`].
pub const PP_ENUMALGS: u32 = 1;
/// `PP_KEYSET_SEC_DESCR`: the container's security descriptor, for [`Provider::param`] and
/// [`Provider::set_param`] (the `flags` are `SECURITY_INFORMATION` bits).
pub const PP_KEYSET_SEC_DESCR: u32 = 8;
/// `PP_UI_PROMPT`: the prompt string of protected-key dialogs, for [`Provider::set_param`]
/// (accepted; no dialog is ever shown).
pub const PP_UI_PROMPT: u32 = 21;
/// `PP_ENUMALGS_EX`: the next algorithm as a `PROV_ENUMALGS_EX` (88 bytes), for
/// [`Provider::param`].
pub const PP_ENUMALGS_EX: u32 = 22;
/// `PP_DELETEKEY`: drop a verify context's in-memory key pairs, for [`Provider::set_param`].
pub const PP_DELETEKEY: u32 = 24;
/// `PP_USE_HARDWARE_RNG`: use only a hardware random generator, for [`Provider::set_param`]
/// (refused, as by every Microsoft software provider).
pub const PP_USE_HARDWARE_RNG: u32 = 38;

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
/// `PP_SIG_KEYSIZE_INC`: the signature pair's length step in bits (8; 64 on the DSS
/// providers), for [`Provider::param`].
pub const PP_SIG_KEYSIZE_INC: u32 = 34;
/// `PP_KEYX_KEYSIZE_INC`: the exchange pair's length step in bits (8; 64 on the DSS
/// providers), for [`Provider::param`].
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
/// `PP_CLIENT_HWND`: the window that owns the provider's dialogs, for
/// [`Provider::set_param`], as a parameter id or (as advapi32 also takes it) a flag. This crate
/// never shows a dialog.
pub const PP_CLIENT_HWND: u32 = 1;

/// What `CryptGetProvParam(PP_ENUMCONTAINERS)` answers for a NULL buffer: `MAX_PATH + 1`.
const ENUM_CONTAINERS_LEN: usize = 261;
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

/// Copies `name` and its NUL into a fixed `CHAR` field of `N` bytes; returns the length written.
fn fixed_name<const N: usize>(name: &str) -> ([u8; N], u32) {
    let mut field = [0u8; N];
    let len = name.len().min(N - 1);
    field[..len].copy_from_slice(&name.as_bytes()[..len]);
    (field, len as u32 + 1)
}

impl AlgInfo {
    /// The row as Windows' `PROV_ENUMALGS` (32 bytes: `aiAlgid`, `dwBitLen`, `dwNameLen`,
    /// `szName[20]`), what `PP_ENUMALGS` returns.
    ///
    /// ```
    /// # use cryptoapi::{AlgId, Provider, ProviderType};
    /// let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
    /// let raw = prov.algorithms()[0].to_prov_enumalgs();
    /// assert_eq!(&raw[..12], &[0x02, 0x66, 0, 0, 128, 0, 0, 0, 4, 0, 0, 0]); // CALG_RC2, 128, "RC2\0"
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    #[doc(
        alias = "PROV_ENUMALGS",
        alias = "PP_ENUMALGS",
        alias = "CryptGetProvParam"
    )]
    #[must_use]
    pub fn to_prov_enumalgs(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        let (name, name_len) = fixed_name::<20>(self.name);
        out[0..4].copy_from_slice(&self.alg.raw().to_le_bytes());
        out[4..8].copy_from_slice(&self.default_bits.to_le_bytes());
        out[8..12].copy_from_slice(&name_len.to_le_bytes());
        out[12..32].copy_from_slice(&name);
        out
    }

    /// The row as Windows' `PROV_ENUMALGS_EX` (88 bytes: `aiAlgid`, `dwDefaultLen`,
    /// `dwMinLen`, `dwMaxLen`, `dwProtocols`, `dwNameLen`, `szName[20]`, `dwLongNameLen`,
    /// `szLongName[40]`), what `PP_ENUMALGS_EX` returns.
    #[doc(
        alias = "PROV_ENUMALGS_EX",
        alias = "PP_ENUMALGS_EX",
        alias = "CryptGetProvParam"
    )]
    #[must_use]
    pub fn to_prov_enumalgs_ex(&self) -> [u8; 88] {
        let mut out = [0u8; 88];
        let (name, name_len) = fixed_name::<20>(self.name);
        let (long, long_len) = fixed_name::<40>(self.long_name);
        let dwords = [
            self.alg.raw(),
            self.default_bits,
            self.min_bits,
            self.max_bits,
            self.protocols,
            name_len,
        ];
        for (i, value) in dwords.iter().enumerate() {
            out[4 * i..4 * i + 4].copy_from_slice(&value.to_le_bytes());
        }
        out[24..44].copy_from_slice(&name);
        out[44..48].copy_from_slice(&long_len.to_le_bytes());
        out[48..88].copy_from_slice(&long);
        out
    }
}

impl Provider {
    /// The provider's algorithms with their lengths and names, in Windows' `PP_ENUMALGS_EX`
    /// order: the table every length and algorithm check of this provider consults.
    ///
    /// ```
    /// use cryptoapi::{AlgId, Provider, ProviderType};
    /// let base = Provider::acquire(None, Some(cryptoapi::MS_DEF_PROV), ProviderType::RSA_FULL,
    ///                              cryptoapi::AcquireFlags::VERIFYCONTEXT)?;
    /// assert!(base.algorithms().iter().all(|a| a.alg != AlgId::TRIPLE_DES));
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    #[doc(
        alias = "PP_ENUMALGS_EX",
        alias = "PP_ENUMALGS",
        alias = "CryptGetProvParam"
    )]
    #[must_use]
    pub fn algorithms(&self) -> &'static [AlgInfo] {
        self.ctx.csp.personality.algorithms()
    }

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
    /// | [`PP_SIG_KEYSIZE_INC`], [`PP_KEYX_KEYSIZE_INC`] | 8 (64 on the DSS providers) |
    /// | [`PP_IMPTYPE`] | `CRYPT_IMPL_SOFTWARE` (2) |
    /// | [`PP_VERSION`] | `0x200` |
    /// | [`PP_ENUMALGS`], [`PP_ENUMALGS_EX`] | the next row of [`algorithms`](Provider::algorithms) as [`AlgInfo::to_prov_enumalgs`] / [`AlgInfo::to_prov_enumalgs_ex`] |
    /// | [`PP_KEYSET_SEC_DESCR`] | the container's security descriptor (see below) |
    ///
    /// `PP_ENUMCONTAINERS` walks the key set's containers (sorted) with a cursor kept in the
    /// context and shared by its clones, as the handle's is on Windows: [`CRYPT_FIRST`] in
    /// `flags` restarts it, flags 0 (or [`CRYPT_NEXT`]) continue, and after the last name
    /// the call fails with `ERROR_NO_MORE_ITEMS`. `CRYPT_MACHINE_KEYSET` (`0x20`) in `flags`
    /// lists the machine key set. `PP_ENUMALGS` and `PP_ENUMALGS_EX` walk the provider's
    /// algorithm table the same way, with a cursor of their own (shared by the two ids, as
    /// on Windows). Other ids' `flags` are ignored, as Microsoft's providers ignore them,
    /// except `PP_KEYSET_SEC_DESCR`'s.
    ///
    /// `PP_KEYSET_SEC_DESCR` describes the container file's Unix owner, group and mode bits
    /// as a self-relative Windows security descriptor, with the parts its `flags`
    /// (`OWNER_SECURITY_INFORMATION` 1, `GROUP_SECURITY_INFORMATION` 2,
    /// `DACL_SECURITY_INFORMATION` 4) ask for: owner `S-1-22-1-uid`, group `S-1-22-2-gid`,
    /// and a DACL of three allow ACEs (owner, group, Everyone) whose masks are the `rwx`
    /// bits as `FILE_GENERIC_READ`/`WRITE`/`EXECUTE`. [`set_param`](Provider::set_param)
    /// takes the same form back.
    ///
    /// Every other id is answered `NTE_BAD_TYPE`.
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
    /// * `ERROR_NO_MORE_ITEMS`: `PP_ENUMCONTAINERS`, `PP_ENUMALGS` or `PP_ENUMALGS_EX` past
    ///   the last item;
    /// * for `PP_KEYSET_SEC_DESCR`: `NTE_BAD_KEYSET` on a verify context (no container) or a
    ///   deleted container, `ERROR_INVALID_PARAMETER` for undefined `flags` bits,
    ///   `ERROR_PRIVILEGE_NOT_HELD` for `SACL_SECURITY_INFORMATION` (8), `ERROR_ACCESS_DENIED`
    ///   or `NTE_FAIL` when the file cannot be examined;
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
            PP_SIG_KEYSIZE_INC | PP_KEYX_KEYSIZE_INC => {
                let pair = if id == PP_SIG_KEYSIZE_INC {
                    crate::alg::AlgId::DSS_SIGN
                } else {
                    crate::alg::AlgId::DH_SF
                };
                // The DSS family's pairs step by their table's increment; RSA's by 8.
                let step = crate::alg::key_lengths(self.ctx.csp.personality, pair)
                    .map_or(0, |lengths| lengths.step);
                dword(if step == 0 { KEYSIZE_INC } else { step })
            }
            PP_IMPTYPE => dword(CRYPT_IMPL_SOFTWARE),
            PP_VERSION => dword(VERSION),
            PP_ENUMALGS => self.next_algorithm(flags)?.to_prov_enumalgs().to_vec(),
            PP_ENUMALGS_EX => self.next_algorithm(flags)?.to_prov_enumalgs_ex().to_vec(),
            PP_KEYSET_SEC_DESCR => security::encode(self.access()?, flags)?,
            _ => return Err(Error::BadType),
        })
    }

    /// The length [`param`](Provider::param) would give now, without moving an enumeration's
    /// cursor: what `CryptGetProvParam` answers for a NULL `pbData`.
    ///
    /// `PP_ENUMALGS` and `PP_ENUMALGS_EX` give their structures' sizes (32 and 88) while a row
    /// is left (counting from the first with [`CRYPT_FIRST`]); `PP_ENUMCONTAINERS` gives
    /// Windows' fixed `MAX_PATH + 1` (261), whatever the next name; other ids the length of
    /// their value.
    ///
    /// ```
    /// use cryptoapi::{Provider, ProviderType, CRYPT_FIRST, PP_ENUMALGS_EX};
    /// let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
    /// assert_eq!(prov.param_len(PP_ENUMALGS_EX, CRYPT_FIRST)?, 88);
    /// assert_eq!(prov.param(PP_ENUMALGS_EX, CRYPT_FIRST)?.len(), 88);
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`param`](Provider::param): `ERROR_NO_MORE_ITEMS` past the last algorithm.
    #[doc(alias = "CryptGetProvParam")]
    pub fn param_len(&self, id: u32, flags: u32) -> Result<usize> {
        match id {
            PP_ENUMALGS | PP_ENUMALGS_EX => {
                let cursor = if flags & CRYPT_FIRST != 0 {
                    0
                } else {
                    *self
                        .ctx
                        .alg_cursor
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                };
                if cursor >= self.algorithms().len() {
                    return Err(Error::NoMoreItems);
                }
                Ok(if id == PP_ENUMALGS { 32 } else { 88 })
            }
            PP_ENUMCONTAINERS => Ok(ENUM_CONTAINERS_LEN),
            _ => Ok(self.param(id, flags)?.len()),
        }
    }

    /// `PP_ENUMALGS(_EX)`: the row at the context's algorithm cursor, advancing it.
    fn next_algorithm(&self, flags: u32) -> Result<&'static AlgInfo> {
        let mut cursor = self
            .ctx
            .alg_cursor
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if flags & CRYPT_FIRST != 0 {
            *cursor = 0;
        }
        let info = self.algorithms().get(*cursor).ok_or(Error::NoMoreItems)?;
        *cursor += 1;
        Ok(info)
    }

    /// The open container file's owner, group and mode (`NTE_BAD_KEYSET` without one).
    fn access(&self) -> Result<Access> {
        let open = self.ctx.container.as_ref().ok_or(Error::BadKeyset)?;
        let access = open.store.container_access(self.key_set(), &open.stored)?;
        Ok(Access {
            uid: access.uid,
            gid: access.gid,
            mode: access.mode,
        })
    }

    /// `CryptSetProvParam` by raw parameter id: what Microsoft's RSA providers accept.
    ///
    /// | id | effect |
    /// |---|---|
    /// | [`PP_CLIENT_HWND`] (also as a flag, whatever `id`) | `data` is the window handle that would own the provider's dialogs: accepted and unused, since this crate never shows one |
    /// | [`PP_KEYSET_SEC_DESCR`] | `data` is a self-relative security descriptor; the parts `flags` names (owner, group, DACL: see [`param`](Provider::param)) are applied to the container file and its lock file, as `chown`/`chmod` |
    /// | [`PP_UI_PROMPT`] | `data` is the UTF-16 prompt of protected-key dialogs: accepted and unused |
    /// | [`PP_DELETEKEY`] | a verify context's in-memory key pairs are dropped (wiped); a context on a container keeps its pairs, which belong to the container |
    /// | [`PP_USE_HARDWARE_RNG`] | refused with `NTE_BAD_TYPE`: no Microsoft software provider supports a hardware-only generator |
    ///
    /// A descriptor can only say what a Unix file can: the owner and group must be Unix
    /// identities (`S-1-22-1-uid`, `S-1-22-2-gid`), the DACL's ACEs must name the owner, the
    /// group or Everyone, and the result must keep the store's privacy rule (no group or other
    /// bits, see [the store's docs](crate::store#private-keys-on-disk)); giving away a file
    /// takes the privileges `chown` takes.
    ///
    /// # Errors
    ///
    /// * `ERROR_INVALID_PARAMETER`: `PP_CLIENT_HWND` with an empty `data` (a null window
    ///   handle, which advapi32 refuses), or a descriptor that is malformed or cannot be
    ///   expressed (see above);
    /// * `ERROR_PRIVILEGE_NOT_HELD`: `SACL_SECURITY_INFORMATION` in `flags`;
    /// * `NTE_BAD_KEYSET`: `PP_KEYSET_SEC_DESCR` on a verify context or a deleted container;
    /// * `ERROR_ACCESS_DENIED`: the new owner or mode is not allowed (not the caller's to give,
    ///   or against the store's privacy rule);
    /// * `NTE_FAIL`: the file could not be changed;
    /// * `NTE_BAD_TYPE`: any other parameter id.
    #[doc(alias = "CryptSetProvParam")]
    pub fn set_param(&self, id: u32, data: &[u8], flags: u32) -> Result<()> {
        if flags & PP_CLIENT_HWND != 0 && id != PP_KEYSET_SEC_DESCR || id == PP_CLIENT_HWND {
            return if data.is_empty() {
                Err(Error::InvalidParameter)
            } else {
                Ok(())
            };
        }
        match id {
            PP_KEYSET_SEC_DESCR => {
                let change = security::decode(data, flags)?;
                let open = self.ctx.container.as_ref().ok_or(Error::BadKeyset)?;
                let new = change.apply(self.access()?)?;
                open.store.set_container_access(
                    self.key_set(),
                    &open.stored,
                    &ContainerAccess {
                        uid: new.uid,
                        gid: new.gid,
                        mode: new.mode,
                    },
                )
            }
            PP_UI_PROMPT => Ok(()),
            PP_DELETEKEY => {
                if self.ctx.container.is_none() {
                    *self.ctx.ephemeral.lock().unwrap_or_else(|e| e.into_inner()) = [None, None];
                    *self
                        .ctx
                        .pair_cache
                        .lock()
                        .unwrap_or_else(|e| e.into_inner()) = [None, None];
                }
                Ok(())
            }
            _ => Err(Error::BadType),
        }
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
