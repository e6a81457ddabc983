//! One error type for the whole crate, carrying the exact Windows code.
//!
//! Every fallible call returns [`Error`]. [`Error::code`] gives the `NTE_*` / `ERROR_*` value that
//! `GetLastError()` would have returned on Windows, so ported error handling (`if
//! (GetLastError() == NTE_BAD_KEYSET)`) and log lines keep matching. [`Error::from_code`] turns a
//! raw code back into the error, keeping codes this crate does not know in [`Error::Other`].
//!
//! The raw values are also available as constants in [`codes`].
//!
//! ## Why some Windows failures cannot happen here
//!
//! Windows reports misuse of handles at run time: `ERROR_INVALID_PARAMETER` for a released, stale
//! or garbage handle, `ERROR_INVALID_HANDLE` and `NTE_BAD_UID` from the provider behind it. In this
//! crate a [`Provider`](crate::Provider) is an owned value, and [`Key`](crate::Key) and
//! [`Hash`](crate::Hash) borrow it, so those misuses are rejected by the compiler instead. The
//! variants still exist, so that codes read from Windows logs or other sources round-trip, and
//! their documentation shows the compile error that replaces them.

use std::fmt;
use std::io;

/// The error table: each line gives a variant, its Windows name and code, its `Display` text and
/// the Windows name again as a string, `Variant = NAME: code => "text", alias "NAME";`. The
/// string becomes the variant's `#[doc(alias)]` (an alias must be a literal, and a macro cannot
/// turn `NAME` into one); a compile-time check rejects a line where the two names differ.
macro_rules! error_table {
    ($(
        $(#[$doc:meta])*
        $variant:ident = $win:ident : $code:literal => $msg:literal, alias $alias:literal;
    )*) => {
        /// An error from a CryptoAPI operation, with its exact Windows code ([`Error::code`]).
        ///
        /// Each variant's documentation says when this crate returns it. Padding and signature
        /// failures ([`Error::BadData`], [`Error::BadSignature`]) deliberately carry nothing beyond
        /// their code: telling an attacker *why* a ciphertext or signature was rejected is how
        /// oracles are built.
        ///
        /// # Display and Debug
        ///
        /// Both name the Windows code, so log lines and a failing `fn main() -> Result<(), Error>`
        /// (which prints `Error: ` and the `Debug` form) show what C code prints. `Display` is a
        /// short lowercase description, then the code's Windows name and value in parentheses;
        /// `Debug` is the variant, the Windows name and the value (and an [`Error::Io`]'s
        /// underlying error). `NTE_*` codes are written as eight hex digits (`0x80090005`), Win32
        /// `ERROR_*` codes in decimal, as Microsoft's list of system error codes gives them
        /// (`ERROR_BUSY` is 170), and a code this crate has no name for as eight hex digits alone.
        ///
        /// ```
        /// use cryptoapi::Error;
        /// assert_eq!(Error::BadData.to_string(), "bad data (NTE_BAD_DATA, 0x80090005)");
        /// assert_eq!(format!("{:?}", Error::BadData), "BadData(NTE_BAD_DATA, 0x80090005)");
        /// assert_eq!(format!("{:?}", Error::Busy), "Busy(ERROR_BUSY, 170)");
        /// let unknown = Error::from_code(0x8009_0023);
        /// assert_eq!(unknown.to_string(), "unknown windows error (0x80090023)");
        /// assert_eq!(format!("{unknown:?}"), "Other(0x80090023)");
        /// ```
        #[derive(thiserror::Error)]
        #[non_exhaustive]
        pub enum Error {
            $(
                $(#[$doc])*
                #[doc = ""]
                #[doc = concat!("Windows code: `", stringify!($win), "` (`", stringify!($code), "`).")]
                #[doc(alias = $alias)]
                $variant,
            )*
            /// A Windows code this crate has no variant for, kept unchanged.
            ///
            /// Produced only by [`Error::from_code`]; the crate's own operations always return a
            /// named variant.
            Other(u32),
            /// The key store's file system failed (disk full, permission denied, ...).
            ///
            /// [`Error::code`] gives `ERROR_ACCESS_DENIED` for a permission problem and `NTE_FAIL`
            /// otherwise; the underlying [`io::Error`] is the [`source`](std::error::Error::source).
            Io(#[source] io::Error),
        }

        /// Every named code, in table order (for the tests).
        #[cfg(test)]
        const ALL_CODES: &[u32] = &[$($code),*];

        // Every alias is its variant's Windows name.
        const _: () = {
            $(assert!(
                same_name(stringify!($win), $alias),
                concat!("the alias of Error::", stringify!($variant), " is not ", stringify!($win)),
            );)*
        };

        impl fmt::Display for Error {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let text = match self {
                    $(Self::$variant => $msg,)*
                    Self::Other(_) => "unknown windows error",
                    Self::Io(_) => "key store i/o error",
                };
                // A key store error says what failed and where (the store's refusals name the
                // offending path and why).
                if let Self::Io(err) = self {
                    write!(f, "{text}: {err}")?;
                } else {
                    f.write_str(text)?;
                }
                match self.windows_name() {
                    Some(name) => write!(f, " ({name}, {})", CodeValue(self.code(), name)),
                    None => write!(f, " ({})", CodeValue(self.code(), "")),
                }
            }
        }

        impl fmt::Debug for Error {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let variant = match self {
                    $(Self::$variant => stringify!($variant),)*
                    Self::Other(_) => "Other",
                    Self::Io(_) => "Io",
                };
                let mut tuple = f.debug_tuple(variant);
                let name = self.windows_name();
                if let Some(name) = name {
                    tuple.field(&format_args!("{name}"));
                }
                tuple.field(&format_args!("{}", CodeValue(self.code(), name.unwrap_or(""))));
                if let Self::Io(err) = self {
                    tuple.field(err);
                }
                tuple.finish()
            }
        }

        impl Error {
            /// The exact Windows error code (`NTE_*` as `0x8009_xxxx`, `ERROR_*` as small integers).
            ///
            /// ```
            /// use cryptoapi::{Error, codes};
            /// assert_eq!(Error::BadFlags.code(), 0x8009_0009);
            /// assert_eq!(Error::Busy.code(), codes::ERROR_BUSY);
            /// ```
            #[must_use]
            pub fn code(&self) -> u32 {
                match self {
                    $(Self::$variant => $code,)*
                    Self::Other(code) => *code,
                    Self::Io(err) if err.kind() == io::ErrorKind::PermissionDenied => codes::ERROR_ACCESS_DENIED,
                    Self::Io(_) => codes::NTE_FAIL,
                }
            }

            /// The error for a raw Windows code; unknown codes are kept in [`Error::Other`].
            ///
            /// `Error::from_code(e.code())` gives back a variant with the same code for every error
            /// (an [`Error::Io`] comes back as the code's named variant, without its source).
            ///
            /// ```
            /// use cryptoapi::Error;
            /// assert!(matches!(Error::from_code(0x8009_0016), Error::BadKeyset));
            /// assert_eq!(Error::from_code(0xdead_beef).code(), 0xdead_beef);
            /// ```
            #[must_use]
            pub fn from_code(code: u32) -> Self {
                match code {
                    $($code => Self::$variant,)*
                    other => Self::Other(other),
                }
            }

            /// The Windows name of this error's code (`"NTE_BAD_FLAGS"`), or `None` for a code
            /// this crate does not know.
            #[must_use]
            pub fn windows_name(&self) -> Option<&'static str> {
                match Self::from_code(self.code()) {
                    $(Self::$variant => Some(stringify!($win)),)*
                    _ => None,
                }
            }
        }

        /// The raw Windows error codes, under their Windows names.
        ///
        /// For ported code that compares `GetLastError()` values: `e.code() == codes::NTE_BAD_KEYSET`.
        pub mod codes {
            $(
                #[doc = concat!("`", stringify!($win), "`: ", $msg, ".")]
                pub const $win: u32 = $code;
            )*
        }
    };
}

error_table! {
    /// A file was not found.
    FileNotFound = ERROR_FILE_NOT_FOUND: 2 => "file not found", alias "ERROR_FILE_NOT_FOUND";
    /// The key store refused access to a file or directory.
    AccessDenied = ERROR_ACCESS_DENIED: 5 => "access denied", alias "ERROR_ACCESS_DENIED";
    /// A handle was not valid.
    ///
    /// # When this crate returns it
    ///
    /// Never. On Windows, `CryptReleaseContext` documents `ERROR_INVALID_HANDLE` for a handle that
    /// is not a provider context; in practice Windows answers every bad handle with
    /// `ERROR_INVALID_PARAMETER` instead. Here there is no handle to get wrong: a
    /// [`Provider`](crate::Provider) can only be obtained from a successful acquire, and
    /// [`Provider::release`](crate::Provider::release) consumes it.
    InvalidHandle = ERROR_INVALID_HANDLE: 6 => "invalid handle", alias "ERROR_INVALID_HANDLE";
    /// Not enough memory.
    NotEnoughMemory = ERROR_NOT_ENOUGH_MEMORY: 8 => "not enough memory", alias "ERROR_NOT_ENOUGH_MEMORY";
    /// A password is not correct.
    ///
    /// # When this crate returns it
    ///
    /// When an encrypted key file (a PVK file or an encrypted PKCS#8 key, see
    /// [`keyfile`](crate::keyfile)) does not decrypt with the password given. A wrong password
    /// and a damaged encrypted part cannot be told apart: both give this code. Windows has no
    /// CryptoAPI code for it; this is the code Windows gives for a wrong PFX password
    /// (`PFXImportCertStore`, .NET's "The specified network password is not correct").
    InvalidPassword = ERROR_INVALID_PASSWORD: 86 => "wrong password, or the encrypted key is damaged", alias "ERROR_INVALID_PASSWORD";
    /// A parameter was not valid.
    ///
    /// # When this crate returns it
    ///
    /// Windows returns it for every dead handle: releasing a context twice, or using a context,
    /// key or hash after the final `CryptReleaseContext`. None of these compile here.
    /// Releasing twice is a use of a moved value:
    ///
    /// ```compile_fail,E0382
    /// use cryptoapi::{Provider, ProviderType, ReleaseFlags};
    /// let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
    /// prov.release(ReleaseFlags::empty())?;
    /// prov.release(ReleaseFlags::empty())?; // error[E0382]: use of moved value: `prov`
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// and a hash or key used after its provider is released does not outlive the borrow:
    ///
    /// ```compile_fail,E0505
    /// use cryptoapi::{AlgId, Provider, ProviderType, ReleaseFlags};
    /// let prov = Provider::verify_context(ProviderType::RSA_FULL)?;
    /// let mut hash = prov.create_hash(AlgId::SHA1, None)?;
    /// prov.release(ReleaseFlags::empty())?; // error[E0505]: cannot move out of `prov` because it is borrowed
    /// hash.hash_data(b"too late")?;
    /// # Ok::<(), cryptoapi::Error>(())
    /// ```
    ///
    /// The crate still returns this code where Windows does for a bad *argument* that is not a
    /// handle, as each function's `# Errors` section lists.
    InvalidParameter = ERROR_INVALID_PARAMETER: 87 => "invalid parameter", alias "ERROR_INVALID_PARAMETER";
    /// The operation is not implemented.
    CallNotImplemented = ERROR_CALL_NOT_IMPLEMENTED: 120 => "call not implemented", alias "ERROR_CALL_NOT_IMPLEMENTED";
    /// A buffer was too small.
    InsufficientBuffer = ERROR_INSUFFICIENT_BUFFER: 122 => "insufficient buffer", alias "ERROR_INSUFFICIENT_BUFFER";
    /// A resource is in use.
    ///
    /// # When this crate returns it
    ///
    /// When another process (or another store handle in this one) holds a key container's lock
    /// for longer than the store's bounded wait ([`KeyStore::with_lock_timeout`](crate::KeyStore::with_lock_timeout),
    /// five seconds by default). Container writes are short, so this means another process is
    /// stuck or deliberately holds the lock; retrying later is the usual answer. Reading a
    /// container never waits. Releasing a provider never returns it: a release never blocks.
    Busy = ERROR_BUSY: 170 => "the key container is locked by someone else", alias "ERROR_BUSY";
    /// A needed environment variable is not set.
    ///
    /// Returned when no key store root can be found: no root was set with
    /// [`KeyStore::set_default_root`](crate::KeyStore::set_default_root), `CRYPTOAPI_HOME` is not
    /// set, and the platform's per-user data directory is unknown (no `HOME`, `XDG_DATA_HOME` or
    /// `APPDATA`).
    EnvvarNotFound = ERROR_ENVVAR_NOT_FOUND: 203 => "no key store location is configured", alias "ERROR_ENVVAR_NOT_FOUND";
    /// Windows sets this as a stray last-error after some successful acquires; never an error here.
    Ring2StackInUse = ERROR_RING2_STACK_IN_USE: 207 => "ring 2 stack in use", alias "ERROR_RING2_STACK_IN_USE";
    /// An output buffer is too small; the needed size accompanies it on Windows.
    MoreData = ERROR_MORE_DATA: 234 => "more data is available", alias "ERROR_MORE_DATA";
    /// An enumeration has no more items.
    NoMoreItems = ERROR_NO_MORE_ITEMS: 259 => "no more items", alias "ERROR_NO_MORE_ITEMS";
    /// Windows sets this as a stray last-error after some successful acquires; never an error here.
    NotLoggedOn = ERROR_NOT_LOGGED_ON: 1245 => "not logged on", alias "ERROR_NOT_LOGGED_ON";
    /// A required privilege is not held: reading or changing a container's SACL through
    /// `PP_KEYSET_SEC_DESCR` (Windows requires `SeSecurityPrivilege`; nobody holds it here).
    PrivilegeNotHeld = ERROR_PRIVILEGE_NOT_HELD: 1314 => "a required privilege is not held", alias "ERROR_PRIVILEGE_NOT_HELD";
    /// An internal error.
    InternalError = ERROR_INTERNAL_ERROR: 1359 => "internal error", alias "ERROR_INTERNAL_ERROR";
    /// The provider context's identity is not valid.
    ///
    /// # When this crate returns it
    ///
    /// Never. Inside a Windows provider, `NTE_BAD_UID` means the context handle passed to the CSP
    /// was not one of its own, which advapi32 already rules out. Here the context is the
    /// [`Provider`](crate::Provider) value itself and cannot be forged or outlived (see
    /// [`Error::InvalidParameter`] for the compile errors that replace it).
    BadUid = NTE_BAD_UID: 0x8009_0001 => "bad uid", alias "NTE_BAD_UID";
    /// The hash object is not valid for this operation.
    BadHash = NTE_BAD_HASH: 0x8009_0002 => "bad hash", alias "NTE_BAD_HASH";
    /// The key is not valid for this operation (for example a stream key where a block cipher is
    /// needed, or no key where one is required).
    BadKey = NTE_BAD_KEY: 0x8009_0003 => "bad key", alias "NTE_BAD_KEY";
    /// A length is not valid (for example an empty final decryption).
    BadLen = NTE_BAD_LEN: 0x8009_0004 => "bad length", alias "NTE_BAD_LEN";
    /// The data is not valid: a key length outside the provider's range, input that is not a
    /// whole number of blocks, or bad padding on a final decryption.
    ///
    /// A padding failure deliberately says nothing more.
    BadData = NTE_BAD_DATA: 0x8009_0005 => "bad data", alias "NTE_BAD_DATA";
    /// A signature did not verify. It deliberately says nothing more.
    BadSignature = NTE_BAD_SIGNATURE: 0x8009_0006 => "bad signature", alias "NTE_BAD_SIGNATURE";
    /// A version field is not supported.
    BadVer = NTE_BAD_VER: 0x8009_0007 => "bad version", alias "NTE_BAD_VER";
    /// The algorithm is not supported by this provider (for example SHA-256 on `PROV_RSA_FULL`, or
    /// AES outside `PROV_RSA_AES`).
    BadAlgId = NTE_BAD_ALGID: 0x8009_0008 => "algorithm not supported by this provider", alias "NTE_BAD_ALGID";
    /// The flags are not valid for this call.
    ///
    /// # When this crate returns it
    ///
    /// From [`Provider::release`](crate::Provider::release) when the flags are not zero. As on
    /// Windows, the reference is released anyway: the error only reports the bad flags.
    /// Elsewhere for undefined flag bits, contradictory acquire flags, and
    /// `CRYPT_VERIFYCONTEXT` with a container name.
    BadFlags = NTE_BAD_FLAGS: 0x8009_0009 => "invalid flags", alias "NTE_BAD_FLAGS";
    /// A type or parameter id is not valid.
    BadType = NTE_BAD_TYPE: 0x8009_000A => "bad type", alias "NTE_BAD_TYPE";
    /// The key is not in a state that allows the operation (for example exporting a key that was
    /// not made exportable).
    BadKeyState = NTE_BAD_KEY_STATE: 0x8009_000B => "key not valid for use in specified state", alias "NTE_BAD_KEY_STATE";
    /// The hash is finished (its value was read) and can take no more data.
    BadHashState = NTE_BAD_HASH_STATE: 0x8009_000C => "hash not valid for use in specified state", alias "NTE_BAD_HASH_STATE";
    /// The container has no key pair of the requested kind.
    NoKey = NTE_NO_KEY: 0x8009_000D => "key does not exist", alias "NTE_NO_KEY";
    /// The provider ran out of memory.
    NoMemory = NTE_NO_MEMORY: 0x8009_000E => "insufficient memory", alias "NTE_NO_MEMORY";
    /// The key container already exists (`CRYPT_NEWKEYSET` on an existing name).
    Exists = NTE_EXISTS: 0x8009_000F => "object already exists", alias "NTE_EXISTS";
    /// Access denied by the key's permissions.
    Perm = NTE_PERM: 0x8009_0010 => "access denied", alias "NTE_PERM";
    /// Object not found.
    NotFound = NTE_NOT_FOUND: 0x8009_0011 => "object not found", alias "NTE_NOT_FOUND";
    /// The data was encrypted twice.
    DoubleEncrypt = NTE_DOUBLE_ENCRYPT: 0x8009_0012 => "data already encrypted", alias "NTE_DOUBLE_ENCRYPT";
    /// The provider is not valid.
    BadProvider = NTE_BAD_PROVIDER: 0x8009_0013 => "invalid provider", alias "NTE_BAD_PROVIDER";
    /// The provider type is outside 1..=999.
    BadProvType = NTE_BAD_PROV_TYPE: 0x8009_0014 => "invalid provider type", alias "NTE_BAD_PROV_TYPE";
    /// The public key is not valid for the operation.
    BadPublicKey = NTE_BAD_PUBLIC_KEY: 0x8009_0015 => "bad public key", alias "NTE_BAD_PUBLIC_KEY";
    /// The key container does not exist (open or delete of a missing container).
    BadKeyset = NTE_BAD_KEYSET: 0x8009_0016 => "keyset does not exist", alias "NTE_BAD_KEYSET";
    /// No provider of this crate implements the requested provider type.
    ProvTypeNotDef = NTE_PROV_TYPE_NOT_DEF: 0x8009_0017 => "provider type not defined", alias "NTE_PROV_TYPE_NOT_DEF";
    /// The provider type's registration is bad.
    ProvTypeEntryBad = NTE_PROV_TYPE_ENTRY_BAD: 0x8009_0018 => "provider type entry is bad", alias "NTE_PROV_TYPE_ENTRY_BAD";
    /// The provider name is unknown. (Windows really does report an unknown provider *name* with
    /// this keyset code.)
    KeysetNotDef = NTE_KEYSET_NOT_DEF: 0x8009_0019 => "keyset not defined", alias "NTE_KEYSET_NOT_DEF";
    /// A key container file is corrupt, truncated, or of a format this version cannot read.
    ///
    /// The file is left exactly as it is: it is never overwritten or repaired silently. Deleting
    /// the container ([`Provider::delete_container`](crate::Provider::delete_container)) removes it.
    KeysetEntryBad = NTE_KEYSET_ENTRY_BAD: 0x8009_001A => "keyset entry is bad", alias "NTE_KEYSET_ENTRY_BAD";
    /// The provider name exists but is registered for another provider type.
    ProvTypeNoMatch = NTE_PROV_TYPE_NO_MATCH: 0x8009_001B => "provider type does not match", alias "NTE_PROV_TYPE_NO_MATCH";
    /// The provider's signature file is bad.
    SignatureFileBad = NTE_SIGNATURE_FILE_BAD: 0x8009_001C => "signature file is bad", alias "NTE_SIGNATURE_FILE_BAD";
    /// The provider library failed to initialise.
    ProviderDllFail = NTE_PROVIDER_DLL_FAIL: 0x8009_001D => "provider dll failed to initialize", alias "NTE_PROVIDER_DLL_FAIL";
    /// The provider library was not found.
    ProvDllNotFound = NTE_PROV_DLL_NOT_FOUND: 0x8009_001E => "provider dll not found", alias "NTE_PROV_DLL_NOT_FOUND";
    /// The container name is not valid: longer than 260 characters, or containing a NUL.
    BadKeysetParam = NTE_BAD_KEYSET_PARAM: 0x8009_001F => "invalid keyset parameter", alias "NTE_BAD_KEYSET_PARAM";
    /// An internal failure (also the code of an unexpected key store i/o error).
    Fail = NTE_FAIL: 0x8009_0020 => "internal error", alias "NTE_FAIL";
    /// A system error (for example the operating system's random generator failed).
    SysErr = NTE_SYS_ERR: 0x8009_0021 => "system error", alias "NTE_SYS_ERR";
    /// The provider would need to show UI, but the context is silent.
    SilentContext = NTE_SILENT_CONTEXT: 0x8009_0022 => "provider cannot perform action on silent context", alias "NTE_SILENT_CONTEXT";
    /// The profile is temporary.
    TemporaryProfile = NTE_TEMPORARY_PROFILE: 0x8009_0024 => "temporary profile", alias "NTE_TEMPORARY_PROFILE";
}

impl From<io::Error> for Error {
    fn from(err: io::Error) -> Self {
        Error::Io(err)
    }
}

/// An [`Error`] as an [`io::Error`], for `std::io` adapters ([`Hash`](crate::Hash) is an
/// [`io::Write`]); an [`Error::Io`] gives back the original error.
impl From<Error> for io::Error {
    fn from(err: Error) -> Self {
        match err {
            Error::Io(inner) => inner,
            other => io::Error::other(other),
        }
    }
}

/// `std::result::Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error code as `Display` and `Debug` write it: decimal for a Win32 `ERROR_*` code (named
/// by the second field), eight hex digits for every other code.
struct CodeValue<'a>(u32, &'a str);

impl fmt::Display for CodeValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.1.starts_with("ERROR_") {
            write!(f, "{}", self.0)
        } else {
            write!(f, "{:#010x}", self.0)
        }
    }
}

/// `a == b`, usable in a constant.
const fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_code_round_trips() {
        for code in [
            2,
            5,
            6,
            8,
            86,
            87,
            120,
            122,
            170,
            203,
            207,
            234,
            259,
            1245,
            1359,
            0x8009_0001,
            0x8009_0009,
            0x8009_0016,
            0x8009_001A,
            0x8009_0024,
        ] {
            let err = Error::from_code(code);
            assert!(!matches!(err, Error::Other(_)), "{code:#x} has no variant");
            assert_eq!(err.code(), code);
            assert!(err.windows_name().is_some());
        }
        for code in 0x8009_0001..=0x8009_0022u32 {
            assert_eq!(Error::from_code(code).code(), code);
        }
    }

    #[test]
    fn unknown_codes_are_kept() {
        let err = Error::from_code(0x8009_0023);
        assert!(matches!(err, Error::Other(0x8009_0023)));
        assert_eq!(err.code(), 0x8009_0023);
        assert_eq!(err.windows_name(), None);
        assert_eq!(err.to_string(), "unknown windows error (0x80090023)");
        assert_eq!(format!("{err:?}"), "Other(0x80090023)");
    }

    #[test]
    fn io_errors_map_to_windows_codes() {
        let denied = Error::from(io::Error::from(io::ErrorKind::PermissionDenied));
        assert_eq!(denied.code(), codes::ERROR_ACCESS_DENIED);
        let other = Error::from(io::Error::other("disk on fire"));
        assert_eq!(other.code(), codes::NTE_FAIL);
        assert!(std::error::Error::source(&other).is_some());
    }

    #[test]
    fn display_is_short_and_lowercase() {
        assert_eq!(
            Error::BadFlags.to_string(),
            "invalid flags (NTE_BAD_FLAGS, 0x80090009)"
        );
        assert_eq!(Error::BadFlags.windows_name(), Some("NTE_BAD_FLAGS"));
        assert_eq!(
            Error::Busy.to_string(),
            "the key container is locked by someone else (ERROR_BUSY, 170)"
        );
    }

    /// Every variant's `Display` and `Debug` name its code and give its value: eight hex digits
    /// for `NTE_*` and unknown codes, decimal for `ERROR_*`.
    #[test]
    fn display_and_debug_say_the_code() {
        let mut errors: Vec<Error> = ALL_CODES.iter().map(|&c| Error::from_code(c)).collect();
        errors.push(Error::from_code(0x8009_0023));
        errors.push(Error::from_code(0xdead_beef));
        errors.push(Error::from_code(9999));
        errors.push(Error::from(io::Error::other("disk on fire")));
        errors.push(Error::from(io::Error::from(
            io::ErrorKind::PermissionDenied,
        )));
        assert_eq!(ALL_CODES.len(), 51);
        let mut failures = Vec::new();
        for err in &errors {
            let code = err.code();
            let (display, debug) = (err.to_string(), format!("{err:?}"));
            let value = match err.windows_name() {
                Some(name) if name.starts_with("ERROR_") => code.to_string(),
                _ => format!("0x{code:08x}"),
            };
            let suffix = match err.windows_name() {
                Some(name) => format!(" ({name}, {value})"),
                None => format!(" ({value})"),
            };
            let text = display.strip_suffix(&suffix);
            if text.is_none_or(|t| t.is_empty() || t != t.to_lowercase() || t.ends_with('.')) {
                failures.push(format!("Display {display:?} is not `text{suffix}`"));
            }
            let fields = match err.windows_name() {
                Some(name) => format!("({name}, {value}"),
                None => format!("({value}"),
            };
            if !debug.contains(&fields) || !debug.ends_with(')') {
                failures.push(format!("Debug {debug:?} lacks `{fields}`"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        let io = Error::from(io::Error::other("disk on fire"));
        assert_eq!(
            format!("{io:?}"),
            format!(
                "Io(NTE_FAIL, 0x80090020, {:?})",
                io::Error::other("disk on fire")
            )
        );
        assert_eq!(
            io.to_string(),
            "key store i/o error: disk on fire (NTE_FAIL, 0x80090020)"
        );
        assert_eq!(
            format!("{:?}", Error::BadData),
            "BadData(NTE_BAD_DATA, 0x80090005)"
        );
        assert_eq!(
            format!("{:#?}", Error::BadSignature),
            "BadSignature(\n    NTE_BAD_SIGNATURE,\n    0x80090006,\n)"
        );
        assert_eq!(
            format!("{:?}", Error::from_code(5)),
            "AccessDenied(ERROR_ACCESS_DENIED, 5)"
        );
    }
}
