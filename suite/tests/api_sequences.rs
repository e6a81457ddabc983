//! Random sequences of API calls with random arguments: every call returns `Ok` or an error its
//! documentation names, and nothing panics.
//!
//! A [`proptest`] strategy generates sequences of [`Op`]s covering the public API: acquiring,
//! opening, creating and deleting containers (in a file store, an in-memory store and the default
//! store), verify contexts, clones and releases, `gen_random`, the provider's parameters, session
//! keys and RSA key pairs (`gen_key`, `derive_key`, `import_key`, `user_key`), every key parameter
//! setter, `export` to every blob type, `encrypt` / `decrypt` in their three forms, hashes, HMAC,
//! MAC, `hash_session_key`, `param`, signatures, duplicates and destroys. Arguments are random:
//! valid and arbitrary `ALG_ID`s, flags with random bits, provider types and names, container
//! names (empty, long, unicode, with NUL), blobs exported by earlier calls and then flipped,
//! truncated, extended or re-headed, data lengths around the block sizes, IV and salt lengths,
//! `HMAC_INFO` pads. An interpreter ([`World`]) keeps pools of providers, keys, hashes, blobs,
//! ciphertexts and signatures and runs the sequence, checking that
//!
//! * no call panics (proptest catches it and reports the shrunk sequence);
//! * every `Err` carries a Windows code that the function's `# Errors` section names. The
//!   sections are read from the crate's own sources under `src/` at test time, not copied here:
//!   see [`docs`] for how they are parsed;
//! * cheap invariants hold: a provider's `ref_count` is 1 plus its live clones; a key encrypts
//!   and its duplicate decrypts back to the plaintext; `encrypt_in_place` gives the bytes
//!   `encrypt` gives; a failed `encrypt` or `decrypt` leaves the data untouched; an exported
//!   `PLAINTEXTKEYBLOB` imports again and exports the same bytes; a fresh signature verifies;
//!   two duplicates of a hash give the same value.
//!
//! A sequence makes a few keys, blobs and hashes first, then runs up to 50 random ops (80 in the
//! long run). RSA key generation is the slow part: a case generates at most three pairs (four in
//! the long run), of 384 to 1024 bits; longer valid lengths are turned into 512 bits, and
//! invalid ones (which must fail at once) are kept.
//!
//! The quick run is part of `cargo test`: 128 cases (`PROPTEST_CASES` overrides), about a
//! second. The long run (5,000 cases unless `CRYPTOAPI_API_CASES` says otherwise; 20,000 take
//! about two and a half minutes in release on two cores):
//!
//! ```text
//! CRYPTOAPI_API_CASES=20000 cargo test --release --test api_sequences -- --ignored --nocapture
//! ```
//!
//! With `CRYPTOAPI_API_COLLECT=1` either run records every undocumented error and broken
//! invariant (with the first sequence that showed it) and reports them all at the end, instead
//! of stopping and shrinking at the first one. With `--nocapture` both runs print the number of
//! cases and ops, and for each function how many calls returned `Ok` and each error.
//!
//! Failure persistence is off (no `proptest-regressions/` directory): a failing sequence found
//! here is kept as an explicit regression test at the end of this file.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use cryptoapi::{
    AcquireFlags, AlgId, BlobType, CipherMode, Error, Hash, HmacInfo, Key, KeyFlags,
    KeyPermissions, KeySet, KeySpec, KeyStore, MS_DEF_PROV, MS_DEF_RSA_SCHANNEL_PROV,
    MS_ENH_RSA_AES_PROV, MS_ENH_RSA_AES_PROV_XP, MS_ENHANCED_PROV, MS_STRONG_PROV, PKCS5_PADDING,
    Pkcs1Rejection, Provider, ProviderType, ReleaseFlags, SCHANNEL_ENC_KEY, SCHANNEL_MAC_KEY,
    SchannelAlg,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};

mod common;
use common::TempRoot;

// ---------------------------------------------------------------------------------------------
// The documented errors, read from the crate's sources.
// ---------------------------------------------------------------------------------------------

/// The `# Errors` sections of the crate's `pub fn`s, parsed into sets of Windows error names.
///
/// Every `.rs` file under `src/` is scanned. A `pub fn`'s doc comment is the run of `///` lines
/// (and attributes) just above it; its type is the one named by the closest `impl` line above
/// it, so functions are keyed `Type::name` (`Provider::acquire` and `KeyStore::acquire` are
/// told apart, which is stricter than a union over same-named functions). Its `# Errors`
/// section runs to the next heading, fenced code skipped, and is read clause by clause (a
/// bullet item starts a new one; `. ` and `;` end one):
///
/// * a backticked `NTE_*` / `ERROR_*` / `CRYPT_E_*` name is documented; an intra-doc link to an
///   error variant (`[`Error::BadKey`]`) is documented as that variant's Windows name, found
///   through the crate's own `Error::from_code` / `windows_name` (no hand-copied table);
/// * a link to another function *inherits* its documented errors when the text before it in
///   the clause ends with "as" or says "errors of" / "those of" ("As [`encrypt`]", "the
///   errors of [`Hash::hash_data`]"), unless the link is followed by a parenthesised list of
///   codes, which then restricts what is inherited ("The provider errors of [`acquire`]
///   (`NTE_BAD_PROV_TYPE`, ...)"). Other links ("use [`delete_container`]") inherit nothing;
/// * names after "except" in a clause are removed ("As [`Provider::acquire`], except
///   `ERROR_ENVVAR_NOT_FOUND`");
/// * a clause saying the codes in it cannot occur ("cannot happen", "never returned", "are
///   compile errors") documents nothing.
///
/// The parser refuses what it cannot read: an error-like name that is not a known Windows code,
/// or a link to a function it did not find, panics. `docs_cover_every_function_called` checks
/// that every function this test calls has a section, and `docs_parse_as_written` pins a few
/// parsed sets, so the check cannot silently become vacuous.
mod docs {
    use std::collections::{BTreeMap, BTreeSet};

    use cryptoapi::Error;

    /// Prefixes of Windows error names; a backticked token with one must be a known code.
    const ERROR_PREFIXES: [&str; 5] = ["NTE_", "ERROR_", "CRYPT_E_", "SCARD_", "TRUST_E_"];
    /// Sentences with these document codes that cannot occur.
    const NEGATIONS: [&str; 5] = [
        "cannot happen",
        "never returned",
        "is never",
        "are compile errors",
        "the compile errors",
    ];

    /// Every `Type::name` found, with its `# Errors` section when it has one.
    type Sections = BTreeMap<String, Option<String>>;

    pub(crate) struct Docs {
        sections: Sections,
        /// The resolved documented names of every function with a section.
        resolved: BTreeMap<String, BTreeSet<&'static str>>,
        /// Windows name of each known code, and the variant name of each.
        known: BTreeSet<&'static str>,
        variants: BTreeMap<String, &'static str>,
    }

    impl Docs {
        /// Parses every source file under `<crate>/src`.
        pub(crate) fn load() -> Docs {
            let files = crate::common::crate_sources();
            let mut sections = Sections::new();
            for file in files {
                let text = std::fs::read_to_string(&file).unwrap();
                parse_source(&text, &mut sections);
            }
            Docs::from_sections(sections)
        }

        /// The documented errors of already extracted sections (also used on synthetic input
        /// by this file's self-tests).
        pub(crate) fn from_sections(sections: Sections) -> Docs {
            let (known, variants) = known_errors();
            let mut docs = Docs {
                sections,
                resolved: BTreeMap::new(),
                known,
                variants,
            };
            let names: Vec<String> = docs
                .sections
                .iter()
                .filter(|(_, s)| s.is_some())
                .map(|(n, _)| n.clone())
                .collect();
            for name in names {
                let set = docs.resolve(&name, &mut Vec::new());
                docs.resolved.insert(name, set);
            }
            docs
        }

        /// The documented errors of `api` (`Type::name`); `None` when it has no `# Errors`
        /// section.
        pub(crate) fn errors(&self, api: &str) -> Option<&BTreeSet<&'static str>> {
            self.resolved.get(api)
        }

        /// Whether the parser saw a `pub fn` of this name at all.
        pub(crate) fn has_fn(&self, api: &str) -> bool {
            self.sections.contains_key(api)
        }

        fn resolve(&self, api: &str, stack: &mut Vec<String>) -> BTreeSet<&'static str> {
            if stack.iter().any(|s| s == api) {
                return BTreeSet::new();
            }
            let Some(section) = self.sections.get(api) else {
                panic!(
                    "the `# Errors` docs of {} refer to {api}, which is not a documented pub fn",
                    stack.last().map_or("?", String::as_str)
                );
            };
            let Some(section) = section else {
                return BTreeSet::new();
            };
            let ty = api.split("::").next().unwrap_or_default().to_owned();
            stack.push(api.to_owned());
            let mut documented = BTreeSet::new();
            let mut excluded = BTreeSet::new();
            for clause in clauses(section) {
                let lower = clause.to_ascii_lowercase();
                if NEGATIONS.iter().any(|n| lower.contains(n)) {
                    continue;
                }
                let (head, tail) = match find_word(&lower, "except") {
                    Some(at) => clause.split_at(at),
                    None => (clause.as_str(), ""),
                };
                for token in backticked(head) {
                    if let Some(name) = self.error_name(token, api) {
                        documented.insert(name);
                    }
                }
                for token in backticked(tail) {
                    if let Some(name) = self.error_name(token, api) {
                        excluded.insert(name);
                    }
                }
                for link in links(head) {
                    match classify(&link.target, &ty) {
                        Target::Variant(variant) => {
                            let name = self.variants.get(&variant).unwrap_or_else(|| {
                                panic!("{api} links to Error::{variant}, not a known variant")
                            });
                            documented.insert(*name);
                        }
                        Target::Function(function) => {
                            if self.inherits(head, &link) {
                                documented.extend(self.resolve(&function, stack));
                            }
                        }
                        Target::Other => {}
                    }
                }
            }
            stack.pop();
            &documented - &excluded
        }

        /// The Windows name of a backticked token, `None` for tokens that are not error names.
        fn error_name(&self, token: &str, api: &str) -> Option<&'static str> {
            if !ERROR_PREFIXES.iter().any(|p| token.starts_with(p)) {
                return None;
            }
            let Some(name) = self.known.get(token) else {
                panic!("the `# Errors` docs of {api} name `{token}`, which is no known error code")
            };
            Some(*name)
        }

        /// Whether a link to a function in `clause` inherits that function's errors.
        fn inherits(&self, clause: &str, link: &Link) -> bool {
            let before = clause[..link.start].trim_end().to_ascii_lowercase();
            let inheriting = before == "as"
                || before.ends_with(" as")
                || before.contains("errors of")
                || before.contains("those of");
            if !inheriting {
                return false;
            }
            // "errors of [`f`] (`A`, `B`)": only the listed codes, which are collected directly.
            let after = clause[link.end..].trim_start();
            if let Some(paren) = after.strip_prefix('(') {
                let inside = &paren[..paren.find(')').unwrap_or(paren.len())];
                if backticked(inside).any(|t| self.known.contains(t)) {
                    return false;
                }
            }
            true
        }
    }

    /// Every Windows error name the crate knows, and the variant behind each, from the crate's
    /// own `Error` API.
    fn known_errors() -> (BTreeSet<&'static str>, BTreeMap<String, &'static str>) {
        let mut known = BTreeSet::new();
        let mut variants = BTreeMap::new();
        for code in (0..=0xFFFF_u32).chain(0x8009_0000..=0x8009_0FFF) {
            let err = Error::from_code(code);
            if let Some(name) = err.windows_name() {
                known.insert(name);
                // `Debug` is `Variant(NAME, value)`.
                let debug = format!("{err:?}");
                let variant = debug.split('(').next().unwrap_or_default().to_owned();
                variants.insert(variant, name);
            }
        }
        assert!(
            known.len() > 40,
            "the Error API knows only {} codes",
            known.len()
        );
        (known, variants)
    }

    /// Collects `Type::name` of every `pub fn` in `text`, with its `# Errors` section.
    pub(crate) fn parse_source(text: &str, out: &mut Sections) {
        let mut ty = String::new();
        let mut doc: Vec<String> = Vec::new();
        let mut in_attribute = false;
        for line in text.lines() {
            let t = line.trim();
            if let Some(d) = t.strip_prefix("///") {
                doc.push(d.strip_prefix(' ').unwrap_or(d).to_owned());
                continue;
            }
            if in_attribute {
                in_attribute = !t.ends_with(']');
                continue;
            }
            if t.starts_with("#[") {
                in_attribute = !t.ends_with(']');
                continue;
            }
            if let Some(name) = impl_type(t) {
                ty = name;
            }
            let signature = t
                .strip_prefix("pub fn ")
                .or_else(|| t.strip_prefix("pub const fn "));
            if let Some(rest) = signature {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                out.insert(format!("{ty}::{name}"), errors_section(&doc));
            }
            doc.clear();
        }
    }

    /// The self type of an `impl` line (`impl<'p> Key<'p> {` → `Key`, `impl X for Y` → `Y`).
    fn impl_type(line: &str) -> Option<String> {
        let rest = line.strip_prefix("impl")?;
        let rest = if rest.starts_with('<') {
            let mut depth = 0;
            let end = rest.char_indices().find_map(|(i, c)| {
                match c {
                    '<' => depth += 1,
                    '>' => depth -= 1,
                    _ => {}
                }
                (depth == 0).then_some(i + 1)
            })?;
            &rest[end..]
        } else if rest.starts_with(' ') {
            rest
        } else {
            return None;
        };
        let rest = rest.trim_start();
        let rest = rest.find(" for ").map_or(rest, |at| &rest[at + 5..]);
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        (!name.is_empty()).then_some(name)
    }

    /// The text of the `# Errors` section, without fenced code.
    fn errors_section(doc: &[String]) -> Option<String> {
        let start = doc.iter().position(|l| l.trim() == "# Errors")?;
        let mut out = Vec::new();
        let mut fenced = false;
        for line in &doc[start + 1..] {
            let t = line.trim();
            if t.starts_with("```") {
                fenced = !fenced;
                continue;
            }
            if fenced {
                continue;
            }
            if t.starts_with("# ") {
                break;
            }
            out.push(t);
        }
        Some(out.join("\n"))
    }

    /// Bullet items and paragraphs, split into clauses at `. ` and `;`.
    fn clauses(section: &str) -> Vec<String> {
        let mut items: Vec<String> = Vec::new();
        let mut current = String::new();
        for line in section.lines() {
            if line.is_empty() || line.starts_with("* ") {
                if !current.trim().is_empty() {
                    items.push(std::mem::take(&mut current));
                }
                current.clear();
            }
            current.push_str(line.strip_prefix("* ").unwrap_or(line));
            current.push(' ');
        }
        if !current.trim().is_empty() {
            items.push(current);
        }
        items
            .iter()
            .flat_map(|item| item.split(". ").flat_map(|s| s.split(';')))
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    }

    fn find_word(text: &str, word: &str) -> Option<usize> {
        text.match_indices(word).map(|(i, _)| i).find(|&i| {
            let before = text[..i].chars().next_back();
            let after = text[i + word.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    }

    /// The contents of each `code span`.
    fn backticked(text: &str) -> impl Iterator<Item = &str> {
        text.split('`').skip(1).step_by(2)
    }

    /// An intra-doc link: where it starts and ends in the clause, and its target path.
    struct Link {
        start: usize,
        end: usize,
        target: String,
    }

    /// `[text](target)` and `[`target`]` links.
    fn links(text: &str) -> Vec<Link> {
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(open) = text[from..].find('[').map(|i| i + from) {
            let Some(close) = text[open..].find(']').map(|i| i + open) else {
                break;
            };
            let label = &text[open + 1..close];
            let (target, end) = match text[close + 1..].strip_prefix('(') {
                Some(rest) => match rest.find(')') {
                    Some(i) => (&rest[..i], close + 2 + i + 1),
                    None => (label, close + 1),
                },
                None => (label, close + 1),
            };
            out.push(Link {
                start: open,
                end,
                target: target.trim_matches('`').to_owned(),
            });
            from = end;
        }
        out
    }

    enum Target {
        Function(String),
        Variant(String),
        Other,
    }

    fn classify(target: &str, self_ty: &str) -> Target {
        let mut path = target;
        for prefix in ["struct@", "fn@", "method@", "crate::", "self::"] {
            path = path.strip_prefix(prefix).unwrap_or(path);
        }
        let segments: Vec<&str> = path.split("::").collect();
        let last = segments.last().copied().unwrap_or_default();
        let lowercase = last.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        let valid = last.chars().all(|c| c.is_alphanumeric() || c == '_');
        match segments.as_slice() {
            ["Error", variant] if !lowercase => Target::Variant((*variant).to_owned()),
            [.., ty, name] if lowercase && valid => {
                let ty = if *ty == "Self" { self_ty } else { ty };
                Target::Function(format!("{ty}::{name}"))
            }
            [name] if lowercase && valid => Target::Function(format!("{self_ty}::{name}")),
            _ => Target::Other,
        }
    }
}

fn docs() -> &'static docs::Docs {
    static DOCS: OnceLock<docs::Docs> = OnceLock::new();
    DOCS.get_or_init(docs::Docs::load)
}

/// Every function this test calls, by the name its errors are checked under (`Ctx::ok` refuses
/// others, so the list stays complete).
const CALLED: [&str; 63] = [
    "Provider::acquire",
    "Provider::delete_container",
    "Provider::verify_context",
    "Provider::release",
    "Provider::gen_random",
    "Provider::unique_container",
    "Provider::containers",
    "Provider::create_hash",
    "Provider::gen_key",
    "Provider::derive_key",
    "Provider::import_key",
    "Provider::user_key",
    "Provider::param",
    "Provider::set_param",
    "KeyStore::in_memory",
    "KeyStore::default_store",
    "KeyStore::containers",
    "KeyStore::acquire",
    "KeyStore::delete_container",
    "KeyStore::verify_context",
    "Key::duplicate",
    "Key::destroy",
    "Key::encrypt",
    "Key::encrypt_with",
    "Key::encrypt_in_place",
    "Key::decrypt",
    "Key::decrypt_with",
    "Key::decrypt_in_place",
    "Key::set_mode",
    "Key::set_padding",
    "Key::set_iv",
    "Key::set_salt",
    "Key::set_salt_ex",
    "Key::set_effective_key_bits",
    "Key::set_permissions",
    "Key::export",
    "Key::param",
    "Key::set_param",
    "Hash::hash_data",
    "Hash::hash_data_with_flags",
    "Hash::value",
    "Hash::set_value",
    "Hash::set_hmac_info",
    "Hash::hash_session_key",
    "Hash::param",
    "Hash::set_param",
    "Hash::duplicate",
    "Hash::destroy",
    "Hash::sign",
    "Hash::sign_with_description",
    "Hash::signature_len",
    "Hash::verify_signature",
    "Hash::verify_signature_with_description",
    "Key::set_client_random",
    "Key::set_server_random",
    "Key::set_schannel_alg",
    "Hash::set_tls1prf_label",
    "Hash::set_tls1prf_seed",
    "Hash::prf",
    // Not fallible, called for their answers; listed so the sanity test sees them parsed.
    "Key::encrypted_len",
    "Provider::ref_count",
    "Hash::size",
    "Key::set_pkcs1_rejection",
];

/// The functions in [`CALLED`] that return no `Result` (they have no `# Errors` section).
const INFALLIBLE: [&str; 4] = [
    "Key::encrypted_len",
    "Provider::ref_count",
    "Hash::size",
    "Key::set_pkcs1_rejection",
];

/// Why an error is not acceptable, `None` when `api`'s docs name it.
fn undocumented(api: &str, err: &Error) -> Option<String> {
    let allowed = docs()
        .errors(api)
        .unwrap_or_else(|| panic!("test bug: {api} has no parsed `# Errors` section"));
    let name = err.windows_name();
    if name.is_some_and(|n| allowed.contains(n)) {
        return None;
    }
    Some(format!(
        "{api} returned {} ({:#010x}, {err:?}), which its `# Errors` docs do not list \
         (documented: {allowed:?})",
        name.unwrap_or("an unnamed code"),
        err.code()
    ))
}

// ---------------------------------------------------------------------------------------------
// Statistics and collect mode.
// ---------------------------------------------------------------------------------------------

/// How many calls returned `Ok`, and how many each error (by Windows name).
type Tally = (u64, BTreeMap<&'static str, u64>);

/// Per function, its [`Tally`].
static CALLS: Mutex<BTreeMap<&str, Tally>> = Mutex::new(BTreeMap::new());
/// Collect mode: each distinct finding and the first sequence that showed it.
static FINDINGS: Mutex<BTreeMap<String, String>> = Mutex::new(BTreeMap::new());
static CASES: AtomicU64 = AtomicU64::new(0);
static OPS_RUN: AtomicU64 = AtomicU64::new(0);
static OPS_SKIPPED: AtomicU64 = AtomicU64::new(0);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn collecting() -> bool {
    static COLLECT: OnceLock<bool> = OnceLock::new();
    *COLLECT.get_or_init(|| std::env::var_os("CRYPTOAPI_API_COLLECT").is_some_and(|v| v != "0"))
}

/// Where the interpreter is, for reports.
#[derive(Clone, Copy)]
struct Ctx<'o> {
    ops: &'o [Op],
    step: usize,
}

impl Ctx<'_> {
    /// Fails the case, or in collect mode records `what` under `key` and carries on.
    fn fail(self, key: String, what: String) -> Result<(), TestCaseError> {
        if collecting() {
            lock(&FINDINGS).entry(key).or_insert_with(|| {
                format!(
                    "{what}\n  at op {} of:\n{:#?}",
                    self.step,
                    &self.ops[..=self.step]
                )
            });
            Ok(())
        } else {
            Err(TestCaseError::fail(format!("op {}: {what}", self.step)))
        }
    }

    /// Counts the call and checks that an error is documented; gives back the value.
    fn ok<T>(
        self,
        api: &'static str,
        result: cryptoapi::Result<T>,
    ) -> Result<Option<T>, TestCaseError> {
        assert!(
            CALLED.contains(&api),
            "test bug: {api} is missing from CALLED"
        );
        {
            let mut calls = lock(&CALLS);
            let (ok, errors) = calls.entry(api).or_default();
            match &result {
                Ok(_) => *ok += 1,
                Err(e) => *errors.entry(e.windows_name().unwrap_or("?")).or_default() += 1,
            }
        }
        match result {
            Ok(value) => Ok(Some(value)),
            Err(err) => {
                self.documented(api, &err)?;
                Ok(None)
            }
        }
    }

    fn documented(self, api: &'static str, err: &Error) -> Result<(), TestCaseError> {
        match undocumented(api, err) {
            None => Ok(()),
            Some(what) => self.fail(
                format!("{api} -> {}", err.windows_name().unwrap_or("?")),
                what,
            ),
        }
    }

    /// Checks an invariant. The first line of `what` names it (collect mode groups findings by
    /// it); the rest gives the details.
    fn ensure(self, holds: bool, what: impl FnOnce() -> String) -> Result<(), TestCaseError> {
        if holds {
            return Ok(());
        }
        let what = what();
        let key = format!("invariant: {}", what.lines().next().unwrap_or_default());
        self.fail(key, format!("invariant broken: {what}"))
    }
}

// ---------------------------------------------------------------------------------------------
// Operations and their strategies.
// ---------------------------------------------------------------------------------------------

/// Raw flag bits, printed in hex.
#[derive(Clone, Copy)]
struct Bits(u32);

impl std::fmt::Debug for Bits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#x}", self.0)
    }
}

/// Which key store an acquire or delete goes to.
#[derive(Clone, Copy, Debug)]
enum StoreSel {
    /// `Provider::*`: the default store (this case's temporary root).
    Default,
    /// A file store on the same root.
    File,
    /// This case's in-memory store.
    Memory,
}

/// A key BLOB for `import_key`.
#[derive(Clone, Debug)]
enum BlobSel {
    /// One exported earlier, as it is.
    Exported(usize),
    /// One byte changed.
    Flipped { blob: usize, at: usize, xor: u8 },
    /// Cut short.
    Truncated { blob: usize, len: usize },
    /// Trailing bytes added.
    Extended { blob: usize, extra: usize },
    /// The header rewritten.
    Reheaded {
        blob: usize,
        blob_type: u8,
        version: u8,
        alg: AlgId,
    },
    /// A well-formed `PLAINTEXTKEYBLOB` with a key of any length.
    Plaintext { alg: AlgId, len: usize },
    /// Anything.
    Raw(Vec<u8>),
}

/// Input for a decryption.
#[derive(Clone, Debug)]
enum DataSel {
    Fresh(usize),
    /// A ciphertext made earlier (by any key).
    Ciphertext(usize),
    Corrupt {
        ct: usize,
        at: usize,
        xor: u8,
    },
    Truncated {
        ct: usize,
        len: usize,
    },
}

/// A signature for `verify_signature`.
#[derive(Clone, Debug)]
enum SigSel {
    Made(usize),
    Corrupt { sig: usize, at: usize, xor: u8 },
    Fresh(usize),
}

/// Which form of `CryptEncrypt` / `CryptDecrypt`.
#[derive(Clone, Copy, Debug)]
enum Form {
    /// `encrypt` / `decrypt`.
    Plain,
    /// `encrypt_with` / `decrypt_with`, with the hash and raw flags.
    With,
    /// `encrypt_in_place` (with a buffer of `buf_len` bytes) / `decrypt_in_place`.
    InPlace { buf_len: usize },
}

/// One API call with its arguments. Indices select from the interpreter's pools, modulo their
/// length; an op whose pool is empty is skipped.
#[derive(Clone, Debug)]
enum Op {
    Acquire {
        store: StoreSel,
        container: Option<String>,
        provider: Option<String>,
        prov_type: ProviderType,
        flags: AcquireFlags,
        keep: bool,
    },
    DeleteContainer {
        store: StoreSel,
        container: Option<String>,
        provider: Option<String>,
        prov_type: ProviderType,
        flags: AcquireFlags,
    },
    VerifyContext {
        store: StoreSel,
        prov_type: ProviderType,
    },
    StoreInfo {
        store: StoreSel,
        machine: bool,
        name: String,
    },
    CloneProvider {
        prov: usize,
    },
    ReleaseClone {
        clone: usize,
        flags: Bits,
    },
    ReleaseExtra {
        extra: usize,
        flags: Bits,
    },
    GenRandom {
        prov: usize,
        len: usize,
    },
    ProvInfo {
        prov: usize,
    },
    UserKey {
        prov: usize,
        spec: KeySpec,
        keep: bool,
    },
    GenKey {
        prov: usize,
        alg: AlgId,
        flags: KeyFlags,
        bits: u16,
    },
    DeriveKey {
        prov: usize,
        alg: AlgId,
        hash: usize,
        flags: KeyFlags,
        bits: u16,
    },
    ImportKey {
        prov: usize,
        blob: BlobSel,
        unwrap: Option<usize>,
        flags: KeyFlags,
    },
    Encrypt {
        key: usize,
        hash: Option<usize>,
        form: Form,
        len: usize,
        final_block: bool,
        flags: Bits,
    },
    Decrypt {
        key: usize,
        hash: Option<usize>,
        form: Form,
        data: DataSel,
        final_block: bool,
        flags: Bits,
    },
    RoundTrip {
        key: usize,
        len: usize,
    },
    SetIv {
        key: usize,
        len: usize,
    },
    SetSalt {
        key: usize,
        len: usize,
    },
    SetSaltEx {
        key: usize,
        len: usize,
    },
    SetMode {
        key: usize,
        mode: CipherMode,
    },
    SetPadding {
        key: usize,
        padding: Bits,
    },
    SetEffectiveKeyBits {
        key: usize,
        bits: u32,
    },
    SetPermissions {
        key: usize,
        permissions: KeyPermissions,
    },
    SetPkcs1Rejection {
        key: usize,
        explicit: bool,
    },
    KeyInfo {
        key: usize,
    },
    Export {
        key: usize,
        wrap: Option<usize>,
        blob_type: BlobType,
        flags: Bits,
    },
    PlaintextRoundTrip {
        key: usize,
    },
    DuplicateKey {
        key: usize,
    },
    DestroyKey {
        key: usize,
    },
    CreateHash {
        prov: usize,
        alg: AlgId,
        key: Option<usize>,
    },
    HashData {
        hash: usize,
        len: usize,
        flags: Option<Bits>,
    },
    WriteHash {
        hash: usize,
        len: usize,
    },
    Value {
        hash: usize,
    },
    SetValue {
        hash: usize,
        len: Option<usize>,
    },
    SetHmacInfo {
        hash: usize,
        alg: AlgId,
        inner: usize,
        outer: usize,
    },
    HashSessionKey {
        hash: usize,
        key: usize,
        flags: Bits,
    },
    Param {
        hash: usize,
        param: u32,
        flags: Bits,
    },
    /// `Provider::param`, or `set_param` with `len` bytes of data.
    ProvParam {
        prov: usize,
        id: u32,
        set: Option<usize>,
        flags: Bits,
    },
    /// `Key::param`, or `set_param` with `len` bytes of data.
    KeyParam {
        key: usize,
        id: u32,
        set: Option<usize>,
        flags: Bits,
    },
    /// `Hash::set_param` with `len` bytes of data (a valid `HMAC_INFO` when `valid`).
    HashSetParam {
        hash: usize,
        id: u32,
        len: usize,
        valid: bool,
        flags: Bits,
    },
    /// `Hash::sign`, or `Hash::sign_with_description` with [`DESCRIPTION`] when `described`.
    Sign {
        hash: usize,
        spec: KeySpec,
        flags: Bits,
        described: bool,
    },
    /// `Hash::verify_signature`, or `Hash::verify_signature_with_description` with
    /// [`DESCRIPTION`] when `described`.
    VerifySignature {
        hash: usize,
        key: usize,
        sig: SigSel,
        flags: Bits,
        described: bool,
    },
    DuplicateHash {
        hash: usize,
    },
    DestroyHash {
        hash: usize,
    },
    /// On the SChannel provider: a master key with its randoms (`client`, `server` bytes) and
    /// algorithms set, a master hash and a PRF hash made from it, and the four keys derived
    /// (every call's errors checked); all kept in the pools.
    Schannel {
        tls: bool,
        client: usize,
        server: usize,
        enc: SchannelAlg,
        mac: SchannelAlg,
    },
    /// `Key::set_client_random` (0), `set_server_random` (1) or `set_schannel_alg` (2).
    SetSchannel {
        key: usize,
        which: u8,
        len: usize,
        alg: SchannelAlg,
    },
    /// `Hash::set_tls1prf_label` and `set_tls1prf_seed`, then `Hash::prf` of `len` bytes.
    Prf {
        hash: usize,
        label: usize,
        seed: usize,
        len: usize,
    },
}

/// `AT_KEYEXCHANGE` and `AT_SIGNATURE` as `CryptGenKey` takes them.
const AT_KEYEXCHANGE: AlgId = AlgId::from_raw(1);
const AT_SIGNATURE: AlgId = AlgId::from_raw(2);

/// What `CryptGenKey` takes for a key pair.
const PAIR_ALGS: [AlgId; 4] = [
    AT_KEYEXCHANGE,
    AT_SIGNATURE,
    AlgId::RSA_KEYX,
    AlgId::RSA_SIGN,
];

const NAMED_ALGS: [AlgId; 29] = [
    AT_KEYEXCHANGE,
    AT_SIGNATURE,
    AlgId::MD2,
    AlgId::MD4,
    AlgId::MD5,
    AlgId::SHA1,
    AlgId::MAC,
    AlgId::SSL3_SHAMD5,
    AlgId::HMAC,
    AlgId::TLS1PRF,
    AlgId::SHA_256,
    AlgId::SHA_384,
    AlgId::SHA_512,
    AlgId::RSA_SIGN,
    AlgId::RSA_KEYX,
    AlgId::DES,
    AlgId::RC2,
    AlgId::TRIPLE_DES,
    AlgId::TRIPLE_DES_112,
    AlgId::AES_128,
    AlgId::AES_192,
    AlgId::AES_256,
    AlgId::AES,
    AlgId::RC4,
    AlgId::SSL3_MASTER,
    AlgId::TLS1_MASTER,
    AlgId::SCHANNEL_MASTER_HASH,
    AlgId::SCHANNEL_MAC_KEY,
    AlgId::SCHANNEL_ENC_KEY,
];

const SESSION_ALGS: [AlgId; 8] = [
    AlgId::DES,
    AlgId::RC2,
    AlgId::TRIPLE_DES,
    AlgId::TRIPLE_DES_112,
    AlgId::AES_128,
    AlgId::AES_192,
    AlgId::AES_256,
    AlgId::RC4,
];

const HASH_ALGS: [AlgId; 13] = [
    AlgId::HMAC,
    AlgId::HMAC,
    AlgId::MAC,
    AlgId::MD2,
    AlgId::MD4,
    AlgId::MD5,
    AlgId::SHA1,
    AlgId::SHA_256,
    AlgId::SHA_384,
    AlgId::SHA_512,
    AlgId::SSL3_SHAMD5,
    AlgId::MAC,
    AlgId::HMAC,
];

/// Container names that a file store must not take as paths, and ones with NUL.
const ODD_NAMES: [&str; 7] = [
    "a\0b",
    "\0",
    "../../x",
    "CON",
    "\u{202e}gnp.exe",
    " ",
    "A/B\\C",
];
const CONTAINERS: [&str; 5] = ["pool-file", "pool-mem", "pool-default", "c1", "c2"];
const PROVIDERS: [&str; 6] = [
    MS_DEF_PROV,
    MS_STRONG_PROV,
    MS_ENHANCED_PROV,
    MS_ENH_RSA_AES_PROV,
    MS_ENH_RSA_AES_PROV_XP,
    MS_DEF_RSA_SCHANNEL_PROV,
];

/// A pool index (taken modulo the pool's length): mostly the first three, where key pairs,
/// hashes and containers of the sequence meet.
fn idx() -> impl Strategy<Value = usize> + Clone {
    prop_oneof![3 => 0..3usize, 1 => 0..64usize]
}

/// A provider index: mostly the first two of the pool (the AES verify context and the Base
/// provider on a file container), so that pairs, hashes and signatures meet.
fn prov_idx() -> impl Strategy<Value = usize> + Clone {
    prop_oneof![4 => 0..2usize, 1 => 0..64usize]
}

/// An optional index that is mostly absent (`unwrap_key`, `wrap_key`).
fn rare_idx() -> impl Strategy<Value = Option<usize>> + Clone {
    prop_oneof![3 => Just(None), 1 => idx().prop_map(Some)]
}

fn opt_idx() -> impl Strategy<Value = Option<usize>> + Clone {
    prop_oneof![1 => Just(None), 3 => idx().prop_map(Some)]
}

fn alg_id() -> impl Strategy<Value = AlgId> + Clone {
    prop_oneof![
        8 => prop::sample::select(NAMED_ALGS.to_vec()),
        1 => any::<u32>().prop_map(AlgId::from_raw),
        1 => (0u32..0x10000).prop_map(AlgId::from_raw),
    ]
}

fn session_alg() -> impl Strategy<Value = AlgId> + Clone {
    prop_oneof![
        6 => prop::sample::select(SESSION_ALGS.to_vec()),
        1 => alg_id(),
    ]
}

/// What `gen_key` gets: mostly session algorithms, some key pairs, and anything.
fn gen_alg() -> impl Strategy<Value = AlgId> + Clone {
    prop_oneof![
        6 => prop::sample::select(SESSION_ALGS.to_vec()),
        3 => prop::sample::select(PAIR_ALGS.to_vec()),
        2 => alg_id(),
    ]
}

fn hash_alg() -> impl Strategy<Value = AlgId> + Clone {
    prop_oneof![
        6 => prop::sample::select(HASH_ALGS.to_vec()),
        1 => alg_id(),
    ]
}

/// A raw parameter id: mostly the defined `KP_*` / `PP_*` / `HP_*` range, and anything.
fn param_id() -> impl Strategy<Value = u32> + Clone {
    prop_oneof![6 => 0u32..45, 1 => any::<u32>()]
}

/// `None` to get a parameter, or a data length to set it.
fn opt_len() -> impl Strategy<Value = Option<usize>> + Clone {
    prop_oneof![
        1 => Just(None),
        1 => prop::sample::select(vec![0usize, 1, 4, 8, 11, 16, 24, 40]).prop_map(Some),
    ]
}

/// The description string the described sign and verify ops pass.
const DESCRIPTION: &str = "api sequences";

/// `dwFlags` of `CryptSignHash` / `CryptVerifySignature`: the defined bits, some combinations,
/// and anything.
fn sign_flags() -> impl Strategy<Value = Bits> + Clone {
    prop_oneof![
        6 => Just(Bits(0)),
        3 => prop::sample::select(vec![1u32, 2, 4, 5]).prop_map(Bits),
        1 => any::<u32>().prop_map(Bits),
    ]
}

fn flags32() -> impl Strategy<Value = Bits> + Clone {
    prop_oneof![
        6 => Just(Bits(0)),
        2 => prop::sample::select(vec![1u32, 2, 0x40, 0x41]).prop_map(Bits),
        1 => any::<u32>().prop_map(Bits),
    ]
}

fn key_flags() -> impl Strategy<Value = KeyFlags> + Clone {
    let valid = [
        0,
        0x1,
        0x1 | 0x4,
        0x4,
        0x10,
        0x1 | 0x10,
        0x1 | 0x100,
        0x100,
        0x40,
        0x2 | 0x8 | 0x400 | 0x4000,
    ];
    prop_oneof![
        12 => prop::sample::select(valid.to_vec()),
        1 => any::<u16>().prop_map(u32::from),
    ]
    .prop_map(KeyFlags::from_bits_retain)
}

/// Key lengths in bits: the providers' session and pair lengths, invalid ones, and anything.
fn key_bits() -> impl Strategy<Value = u16> + Clone {
    prop_oneof![
        16 => Just(0u16),
        4 => prop::sample::select(vec![40u16, 56, 64, 112, 128, 168, 192, 256]),
        3 => prop::sample::select(vec![384u16, 392, 512, 520, 768, 1024]),
        1 => prop::sample::select(vec![1u16, 8, 41, 100, 120, 383, 385, 1032, 16392, 65535]),
        1 => any::<u16>(),
    ]
}

fn prov_type() -> impl Strategy<Value = ProviderType> + Clone {
    prop_oneof![
        6 => prop::sample::select(vec![
            ProviderType::RSA_FULL,
            ProviderType::RSA_AES,
            ProviderType::RSA_SCHANNEL,
        ]),
        1 => prop::sample::select(vec![0u32, 2, 3, 12, 999, 1000]).prop_map(ProviderType::from_raw),
        1 => any::<u32>().prop_map(ProviderType::from_raw),
    ]
}

fn prov_name() -> impl Strategy<Value = Option<String>> + Clone {
    prop_oneof![
        4 => Just(None),
        1 => Just(Some(String::new())),
        5 => prop::sample::select(PROVIDERS.to_vec()).prop_map(|n| Some(n.to_owned())),
        1 => prop::sample::select(PROVIDERS.to_vec()).prop_map(|n| Some(n.to_uppercase())),
        1 => "\\PC{0,12}".prop_map(Some),
    ]
}

fn container_name() -> impl Strategy<Value = Option<String>> + Clone {
    prop_oneof![
        2 => Just(None),
        1 => Just(Some(String::new())),
        10 => prop::sample::select(CONTAINERS.to_vec()).prop_map(|n| Some(n.to_owned())),
        1 => prop::sample::select(vec![259usize, 260, 261]).prop_map(|n| Some("n".repeat(n))),
        // Multi-byte characters: the limit is 260 characters, not bytes.
        1 => prop::sample::select(vec![130usize, 260, 261])
            .prop_map(|n| Some("ключ🔑".chars().cycle().take(n).collect())),
        1 => prop::sample::select(ODD_NAMES.to_vec()).prop_map(|n| Some(n.to_owned())),
        1 => "\\PC{0,20}".prop_map(Some),
    ]
}

fn acquire_flags() -> impl Strategy<Value = AcquireFlags> + Clone {
    let valid = [
        0u32,
        0x8,
        0xF000_0000,
        0xF000_0008,
        0x10,
        0x20,
        0x28,
        0x40,
        0x48,
        0xF000_0040,
        0xF000_0020,
        0x18,
    ];
    prop_oneof![
        8 => prop::sample::select(valid.to_vec()),
        1 => any::<u32>(),
    ]
    .prop_map(AcquireFlags::from_bits_retain)
}

/// `CryptAcquireContext` flags as a porter passes them to delete: mostly valid ones.
fn delete_flags() -> impl Strategy<Value = AcquireFlags> + Clone {
    prop_oneof![
        3 => prop::sample::select(vec![0u32, 0x10, 0x20, 0x30, 0x50])
            .prop_map(AcquireFlags::from_bits_retain),
        1 => acquire_flags(),
    ]
}

fn store_sel() -> impl Strategy<Value = StoreSel> + Clone {
    prop::sample::select(vec![StoreSel::Default, StoreSel::File, StoreSel::Memory])
}

/// Data lengths: 0, around the 8- and 16-byte blocks, and longer.
fn data_len() -> impl Strategy<Value = usize> + Clone {
    prop_oneof![
        2 => Just(0usize),
        6 => 1usize..=40,
        2 => prop::sample::select(vec![7usize, 8, 9, 15, 16, 17, 31, 32, 33, 48, 64]),
        1 => 41usize..=200,
    ]
}

fn blob_sel() -> impl Strategy<Value = BlobSel> {
    let blob_type = prop::sample::select(vec![1u8, 6, 7, 8, 9, 0, 255]);
    let version = prop::sample::select(vec![2u8, 2, 2, 1, 3]);
    let reheaded =
        (idx(), blob_type, version, alg_id()).prop_map(|(blob, blob_type, version, alg)| {
            BlobSel::Reheaded {
                blob,
                blob_type,
                version,
                alg,
            }
        });
    let key_len = prop_oneof![3 => 0usize..=40, 1 => 41usize..=300];
    prop_oneof![
        6 => idx().prop_map(BlobSel::Exported),
        3 => (idx(), idx(), 1u8..=255)
            .prop_map(|(blob, at, xor)| BlobSel::Flipped { blob, at, xor }),
        2 => (idx(), 0usize..300).prop_map(|(blob, len)| BlobSel::Truncated { blob, len }),
        1 => (idx(), 1usize..40).prop_map(|(blob, extra)| BlobSel::Extended { blob, extra }),
        2 => reheaded,
        5 => (session_alg(), key_len).prop_map(|(alg, len)| BlobSel::Plaintext { alg, len }),
        1 => prop::collection::vec(any::<u8>(), 0..48).prop_map(BlobSel::Raw),
    ]
}

fn data_sel() -> impl Strategy<Value = DataSel> {
    prop_oneof![
        3 => data_len().prop_map(DataSel::Fresh),
        4 => idx().prop_map(DataSel::Ciphertext),
        1 => (idx(), idx(), 1u8..=255)
            .prop_map(|(ct, at, xor)| DataSel::Corrupt { ct, at, xor }),
        1 => (idx(), 0usize..80).prop_map(|(ct, len)| DataSel::Truncated { ct, len }),
    ]
}

fn sig_sel() -> impl Strategy<Value = SigSel> {
    prop_oneof![
        4 => idx().prop_map(SigSel::Made),
        1 => (idx(), idx(), 1u8..=255)
            .prop_map(|(sig, at, xor)| SigSel::Corrupt { sig, at, xor }),
        1 => prop::sample::select(vec![0usize, 1, 48, 64, 128, 129]).prop_map(SigSel::Fresh),
    ]
}

fn form() -> impl Strategy<Value = Form> {
    prop_oneof![
        3 => Just(Form::Plain),
        3 => Just(Form::With),
        2 => data_len().prop_map(|buf_len| Form::InPlace { buf_len }),
    ]
}

fn key_spec() -> impl Strategy<Value = KeySpec> + Clone {
    prop::sample::select(vec![KeySpec::Exchange, KeySpec::Signature])
}

fn cipher_mode() -> impl Strategy<Value = CipherMode> {
    (0u32..=5).prop_map(|m| CipherMode::from_raw(m).unwrap())
}

fn blob_type() -> impl Strategy<Value = BlobType> {
    prop::sample::select(vec![1u32, 1, 6, 6, 7, 7, 8, 8, 8, 8, 8, 9, 10, 11])
        .prop_map(|t| BlobType::from_raw(t).unwrap())
}

/// Ops about providers and containers.
fn provider_op() -> impl Strategy<Value = Op> {
    let acquire = (
        store_sel(),
        container_name(),
        prov_name(),
        prov_type(),
        acquire_flags(),
        any::<bool>(),
    )
        .prop_map(
            |(store, container, provider, prov_type, flags, keep)| Op::Acquire {
                store,
                container,
                provider,
                prov_type,
                flags,
                keep,
            },
        );
    let delete = (
        store_sel(),
        container_name(),
        prov_name(),
        prov_type(),
        delete_flags(),
    )
        .prop_map(
            |(store, container, provider, prov_type, flags)| Op::DeleteContainer {
                store,
                container,
                provider,
                prov_type,
                flags,
            },
        );
    let random_len = prop_oneof![0usize..=64, Just(1000)];
    prop_oneof![
        3 => acquire,
        2 => delete,
        1 => (store_sel(), prov_type())
            .prop_map(|(store, prov_type)| Op::VerifyContext { store, prov_type }),
        1 => (store_sel(), any::<bool>(), "\\PC{0,8}")
            .prop_map(|(store, machine, name)| Op::StoreInfo { store, machine, name }),
        2 => idx().prop_map(|prov| Op::CloneProvider { prov }),
        1 => (idx(), flags32()).prop_map(|(clone, flags)| Op::ReleaseClone { clone, flags }),
        1 => (idx(), flags32()).prop_map(|(extra, flags)| Op::ReleaseExtra { extra, flags }),
        1 => (prov_idx(), random_len).prop_map(|(prov, len)| Op::GenRandom { prov, len }),
        2 => prov_idx().prop_map(|prov| Op::ProvInfo { prov }),
        2 => (prov_idx(), param_id(), opt_len(), flags32())
            .prop_map(|(prov, id, set, flags)| Op::ProvParam { prov, id, set, flags }),
        2 => (prov_idx(), key_spec(), any::<bool>())
            .prop_map(|(prov, spec, keep)| Op::UserKey { prov, spec, keep }),
    ]
}

fn gen_key_op() -> impl Strategy<Value = Op> {
    (prov_idx(), gen_alg(), key_flags(), key_bits()).prop_map(|(prov, alg, flags, bits)| {
        Op::GenKey {
            prov,
            alg,
            flags,
            bits,
        }
    })
}

/// Ops that make keys.
fn key_source_op() -> impl Strategy<Value = Op> {
    let derive = (prov_idx(), session_alg(), idx(), key_flags(), key_bits()).prop_map(
        |(prov, alg, hash, flags, bits)| Op::DeriveKey {
            prov,
            alg,
            hash,
            flags,
            bits,
        },
    );
    let import = (prov_idx(), blob_sel(), rare_idx(), key_flags()).prop_map(
        |(prov, blob, unwrap, flags)| Op::ImportKey {
            prov,
            blob,
            unwrap,
            flags,
        },
    );
    prop_oneof![6 => gen_key_op(), 2 => derive, 5 => import]
}

/// Ops on keys.
fn key_op() -> impl Strategy<Value = Op> {
    let encrypt = (
        idx(),
        opt_idx(),
        form(),
        data_len(),
        any::<bool>(),
        flags32(),
    )
        .prop_map(|(key, hash, form, len, final_block, flags)| Op::Encrypt {
            key,
            hash,
            form,
            len,
            final_block,
            flags,
        });
    let decrypt = (
        idx(),
        opt_idx(),
        form(),
        data_sel(),
        any::<bool>(),
        flags32(),
    )
        .prop_map(|(key, hash, form, data, final_block, flags)| Op::Decrypt {
            key,
            hash,
            form,
            data,
            final_block,
            flags,
        });
    let iv_len = prop_oneof![Just(0usize), Just(8), Just(16), 0usize..40];
    let salt_len = prop_oneof![Just(11usize), 0usize..30];
    let padding = prop_oneof![Just(Bits(1)), any::<u32>().prop_map(Bits)];
    let effective = prop_oneof![
        prop::sample::select(vec![0u32, 1, 40, 56, 64, 128, 1024, 1025]),
        any::<u32>(),
    ];
    let permissions = prop_oneof![
        prop::sample::select(vec![0u32, 0x3b, 0x3f, 0x04]),
        any::<u32>(),
    ]
    .prop_map(KeyPermissions::from_bits_retain);
    prop_oneof![
        5 => encrypt,
        5 => decrypt,
        3 => (idx(), data_len()).prop_map(|(key, len)| Op::RoundTrip { key, len }),
        2 => (idx(), iv_len).prop_map(|(key, len)| Op::SetIv { key, len }),
        1 => (idx(), salt_len).prop_map(|(key, len)| Op::SetSalt { key, len }),
        1 => (idx(), 0usize..30).prop_map(|(key, len)| Op::SetSaltEx { key, len }),
        2 => (idx(), cipher_mode()).prop_map(|(key, mode)| Op::SetMode { key, mode }),
        1 => (idx(), padding).prop_map(|(key, padding)| Op::SetPadding { key, padding }),
        1 => (idx(), effective).prop_map(|(key, bits)| Op::SetEffectiveKeyBits { key, bits }),
        1 => (idx(), permissions)
            .prop_map(|(key, permissions)| Op::SetPermissions { key, permissions }),
        1 => (idx(), any::<bool>())
            .prop_map(|(key, explicit)| Op::SetPkcs1Rejection { key, explicit }),
        1 => idx().prop_map(|key| Op::KeyInfo { key }),
        2 => (idx(), param_id(), opt_len(), flags32())
            .prop_map(|(key, id, set, flags)| Op::KeyParam { key, id, set, flags }),
        4 => export_op(),
        2 => idx().prop_map(|key| Op::PlaintextRoundTrip { key }),
        1 => idx().prop_map(|key| Op::DuplicateKey { key }),
        1 => idx().prop_map(|key| Op::DestroyKey { key }),
    ]
}

/// `create_hash`: mostly plain hashes without a key and keyed ones with one, and anything.
fn create_hash_op() -> impl Strategy<Value = Op> {
    let plain = HASH_ALGS
        .iter()
        .copied()
        .filter(|a| ![AlgId::HMAC, AlgId::MAC].contains(a))
        .collect::<Vec<_>>();
    let keyed = vec![AlgId::HMAC, AlgId::MAC];
    prop_oneof![
        4 => (prov_idx(), prop::sample::select(plain))
            .prop_map(|(prov, alg)| Op::CreateHash { prov, alg, key: None }),
        3 => (prov_idx(), prop::sample::select(keyed), idx())
            .prop_map(|(prov, alg, key)| Op::CreateHash { prov, alg, key: Some(key) }),
        1 => (prov_idx(), hash_alg(), opt_idx())
            .prop_map(|(prov, alg, key)| Op::CreateHash { prov, alg, key }),
    ]
}

fn export_op() -> impl Strategy<Value = Op> {
    (idx(), rare_idx(), blob_type(), flags32()).prop_map(|(key, wrap, blob_type, flags)| {
        Op::Export {
            key,
            wrap,
            blob_type,
            flags,
        }
    })
}

/// Ops on hashes.
fn hash_op() -> impl Strategy<Value = Op> {
    let data_flags = prop_oneof![Just(None), flags32().prop_map(Some)];
    let value_len = prop_oneof![Just(None), (0usize..70).prop_map(Some)];
    let pad = || prop_oneof![Just(0usize), 1usize..150];
    let hmac_info =
        (idx(), hash_alg(), pad(), pad()).prop_map(|(hash, alg, inner, outer)| Op::SetHmacInfo {
            hash,
            alg,
            inner,
            outer,
        });
    let param = prop_oneof![prop::sample::select(vec![1u32, 2, 4, 3, 5]), any::<u32>()];
    let verify = (idx(), idx(), sig_sel(), sign_flags(), any::<bool>()).prop_map(
        |(hash, key, sig, flags, described)| Op::VerifySignature {
            hash,
            key,
            sig,
            flags,
            described,
        },
    );
    prop_oneof![
        5 => create_hash_op(),
        4 => (idx(), data_len(), data_flags)
            .prop_map(|(hash, len, flags)| Op::HashData { hash, len, flags }),
        1 => (idx(), data_len()).prop_map(|(hash, len)| Op::WriteHash { hash, len }),
        2 => idx().prop_map(|hash| Op::Value { hash }),
        1 => (idx(), value_len).prop_map(|(hash, len)| Op::SetValue { hash, len }),
        3 => hmac_info,
        1 => (idx(), idx(), flags32())
            .prop_map(|(hash, key, flags)| Op::HashSessionKey { hash, key, flags }),
        1 => (idx(), param, flags32())
            .prop_map(|(hash, param, flags)| Op::Param { hash, param, flags }),
        1 => (idx(), param_id(), 0usize..80, any::<bool>(), flags32()).prop_map(
            |(hash, id, len, valid, flags)| Op::HashSetParam { hash, id, len, valid, flags }
        ),
        2 => (idx(), key_spec(), sign_flags(), any::<bool>()).prop_map(
            |(hash, spec, flags, described)| Op::Sign { hash, spec, flags, described }
        ),
        2 => verify,
        1 => idx().prop_map(|hash| Op::DuplicateHash { hash }),
        1 => idx().prop_map(|hash| Op::DestroyHash { hash }),
    ]
}

/// An `SCHANNEL_ALG`: mostly the suites' algorithms and lengths, and anything.
fn schannel_alg(usage: u32) -> impl Strategy<Value = SchannelAlg> + Clone {
    let named = prop::sample::select(vec![
        (AlgId::DES, 64),
        (AlgId::DES, 56),
        (AlgId::TRIPLE_DES, 168),
        (AlgId::TRIPLE_DES_112, 128),
        (AlgId::RC4, 128),
        (AlgId::RC4, 40),
        (AlgId::RC2, 128),
        (AlgId::MD5, 128),
        (AlgId::SHA1, 160),
        (AlgId::AES_128, 128),
        (AlgId::from_raw(0), 0),
    ]);
    prop_oneof![
        8 => (named, Just(usage)).prop_map(|((alg, bits), usage)| SchannelAlg::new(usage, alg, bits)),
        1 => (alg_id(), any::<u32>(), prop_oneof![Just(usage), any::<u32>()])
            .prop_map(|(alg, bits, usage)| SchannelAlg::new(usage, alg, bits)),
        1 => (alg_id(), 0u32..1100, Just(usage))
            .prop_map(|(alg, bits, usage)| SchannelAlg::new(usage, alg, bits)),
    ]
}

/// SChannel ops: master keys and their hashes, their parameters, the PRF.
fn schannel_op() -> impl Strategy<Value = Op> {
    let random_len = || prop_oneof![4 => Just(32usize), 1 => 0usize..40];
    prop_oneof![
        3 => (
            any::<bool>(),
            random_len(),
            random_len(),
            schannel_alg(SCHANNEL_ENC_KEY),
            schannel_alg(SCHANNEL_MAC_KEY),
        )
            .prop_map(|(tls, client, server, enc, mac)| Op::Schannel {
                tls,
                client,
                server,
                enc,
                mac,
            }),
        2 => (idx(), 0u8..3, random_len(), schannel_alg(SCHANNEL_ENC_KEY))
            .prop_map(|(key, which, len, alg)| Op::SetSchannel { key, which, len, alg }),
        2 => (idx(), 0usize..20, 0usize..70, prop_oneof![Just(12usize), 0usize..300])
            .prop_map(|(hash, label, seed, len)| Op::Prf { hash, label, seed, len }),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => provider_op(),
        3 => key_source_op(),
        5 => key_op(),
        4 => hash_op(),
        1 => schannel_op(),
    ]
}

/// A sequence: a few keys, blobs and hashes made first (so that later ops have something to
/// act on), then anything.
fn ops(max: usize) -> impl Strategy<Value = Vec<Op>> {
    (
        prop::collection::vec(gen_key_op(), 1..=4),
        prop::collection::vec(export_op(), 0..=2),
        prop::collection::vec(create_hash_op(), 0..=3),
        prop::collection::vec(op(), 1..=max),
    )
        .prop_map(|(keys, blobs, hashes, rest)| {
            keys.into_iter()
                .chain(blobs)
                .chain(hashes)
                .chain(rest)
                .collect()
        })
}

// ---------------------------------------------------------------------------------------------
// The interpreter.
// ---------------------------------------------------------------------------------------------

/// Deterministic bytes of any length.
fn pattern(len: usize, seed: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i.wrapping_mul(31).wrapping_add(seed.wrapping_mul(7)) % 251) as u8)
        .collect()
}

fn pick(len: usize, i: usize) -> Option<usize> {
    (len > 0).then(|| i % len)
}

fn push_capped<T>(pool: &mut Vec<T>, item: T, cap: usize) {
    if pool.len() >= cap {
        pool.remove(0);
    }
    pool.push(item);
}

fn is_pair_alg(alg: AlgId) -> bool {
    PAIR_ALGS.contains(&alg)
}

const MAX_KEYS: usize = 16;
const MAX_HASHES: usize = 16;
const MAX_BLOBS: usize = 16;
const MAX_EXTRAS: usize = 6;
const MAX_CLONES: usize = 8;

/// How an op ended: run, or skipped because a pool it needs is empty.
enum Outcome {
    Ran,
    Skipped,
}

/// This case's stores: a temporary root, a file store on it (also the default store), and an
/// in-memory store.
struct Stores {
    file: KeyStore,
    memory: KeyStore,
}

/// The providers every case starts with, one of each kind: verify contexts of every provider,
/// and contexts on containers in the file store, the memory store and the default store.
fn provider_pool(stores: &Stores) -> Vec<Provider> {
    let (full, aes) = (ProviderType::RSA_FULL, ProviderType::RSA_AES);
    let verify = AcquireFlags::VERIFYCONTEXT;
    let new = AcquireFlags::NEWKEYSET;
    // The most used first (indices favour the first three).
    vec![
        Provider::verify_context(aes).unwrap(),
        stores
            .file
            .acquire(Some("pool-file"), Some(MS_DEF_PROV), full, new)
            .unwrap(),
        Provider::verify_context(full).unwrap(),
        stores
            .memory
            .acquire(Some("pool-mem"), None, aes, new)
            .unwrap(),
        stores
            .memory
            .acquire(None, Some(MS_DEF_PROV), full, verify)
            .unwrap(),
        stores
            .file
            .acquire(
                None,
                Some(MS_ENHANCED_PROV),
                full,
                verify | AcquireFlags::SILENT,
            )
            .unwrap(),
        Provider::acquire(None, Some(MS_ENH_RSA_AES_PROV_XP), aes, verify).unwrap(),
        Provider::verify_context(ProviderType::RSA_SCHANNEL).unwrap(),
        Provider::acquire(
            Some("pool-default"),
            Some(MS_ENHANCED_PROV),
            full,
            new | AcquireFlags::MACHINE_KEYSET,
        )
        .unwrap(),
        stores
            .file
            .acquire(
                Some("pool-file"),
                Some(MS_ENH_RSA_AES_PROV),
                aes,
                AcquireFlags::empty(),
            )
            .unwrap(),
    ]
}

/// The interpreter's state: pools of everything made so far.
struct World<'p, 'o> {
    ctx: Ctx<'o>,
    stores: &'p Stores,
    pool: &'p [Provider],
    /// Contexts acquired by ops: released by ops or at the end.
    extras: Vec<Provider>,
    /// Clones of pool providers, with the pool index they came from.
    clones: Vec<(usize, Provider)>,
    keys: Vec<Key<'p>>,
    hashes: Vec<Hash<'p>>,
    blobs: Vec<Vec<u8>>,
    ciphertexts: Vec<Vec<u8>>,
    signatures: Vec<Vec<u8>>,
    /// Key pairs this case may still generate.
    pairs_left: u32,
}

impl<'p, 'o> World<'p, 'o> {
    fn new(stores: &'p Stores, pool: &'p [Provider], ops: &'o [Op], pairs: u32) -> Self {
        World {
            ctx: Ctx { ops, step: 0 },
            stores,
            pool,
            extras: Vec::new(),
            clones: Vec::new(),
            keys: Vec::new(),
            hashes: Vec::new(),
            blobs: Vec::new(),
            ciphertexts: Vec::new(),
            signatures: Vec::new(),
            pairs_left: pairs,
        }
    }

    fn run(&mut self) -> Result<(), TestCaseError> {
        for (step, op) in self.ctx.ops.iter().enumerate() {
            self.ctx.step = step;
            match self.step(op)? {
                Outcome::Ran => OPS_RUN.fetch_add(1, Ordering::Relaxed),
                Outcome::Skipped => OPS_SKIPPED.fetch_add(1, Ordering::Relaxed),
            };
            self.check_ref_counts()?;
        }
        Ok(())
    }

    /// A pool provider's `ref_count` is 1 plus its live clones.
    fn check_ref_counts(&self) -> Result<(), TestCaseError> {
        for (i, prov) in self.pool.iter().enumerate() {
            let clones = self.clones.iter().filter(|(o, _)| *o == i).count();
            self.ctx.ensure(prov.ref_count() == 1 + clones, || {
                format!(
                    "a pool provider's ref_count is not 1 + its live clones\n  \
                     provider {i}: ref_count {}, {clones} clones",
                    prov.ref_count()
                )
            })?;
        }
        Ok(())
    }

    /// A pool provider, or with `extras` also one of the acquired contexts.
    fn any_provider(&self, i: usize) -> &Provider {
        let n = self.pool.len() + self.extras.len();
        let i = i % n;
        self.pool
            .get(i)
            .unwrap_or_else(|| &self.extras[i - self.pool.len()])
    }

    fn blob(&self, sel: &BlobSel) -> Option<Vec<u8>> {
        let from = |i: usize| pick(self.blobs.len(), i).map(|i| self.blobs[i].clone());
        Some(match sel {
            BlobSel::Exported(i) => from(*i)?,
            BlobSel::Flipped { blob, at, xor } => {
                let mut b = from(*blob)?;
                let at = pick(b.len(), *at)?;
                b[at] ^= xor;
                b
            }
            BlobSel::Truncated { blob, len } => {
                let mut b = from(*blob)?;
                b.truncate(len % (b.len() + 1));
                b
            }
            BlobSel::Extended { blob, extra } => {
                let mut b = from(*blob)?;
                b.extend(pattern(*extra, 3));
                b
            }
            BlobSel::Reheaded {
                blob,
                blob_type,
                version,
                alg,
            } => {
                let mut b = from(*blob)?;
                if b.len() >= 8 {
                    b[0] = *blob_type;
                    b[1] = *version;
                    b[4..8].copy_from_slice(&alg.raw().to_le_bytes());
                }
                b
            }
            BlobSel::Plaintext { alg, len } => {
                let mut b = vec![8, 2, 0, 0];
                b.extend_from_slice(&alg.raw().to_le_bytes());
                b.extend_from_slice(&u32::try_from(*len).unwrap().to_le_bytes());
                b.extend(pattern(*len, 5));
                b
            }
            BlobSel::Raw(bytes) => bytes.clone(),
        })
    }

    fn data(&self, sel: &DataSel) -> Option<Vec<u8>> {
        let ct = |i: usize| pick(self.ciphertexts.len(), i).map(|i| self.ciphertexts[i].clone());
        Some(match sel {
            DataSel::Fresh(len) => pattern(*len, self.ctx.step),
            DataSel::Ciphertext(i) => ct(*i)?,
            DataSel::Corrupt { ct: i, at, xor } => {
                let mut d = ct(*i)?;
                let at = pick(d.len(), *at)?;
                d[at] ^= xor;
                d
            }
            DataSel::Truncated { ct: i, len } => {
                let mut d = ct(*i)?;
                d.truncate(*len);
                d
            }
        })
    }

    fn signature(&self, sel: &SigSel) -> Option<Vec<u8>> {
        let made = |i: usize| pick(self.signatures.len(), i).map(|i| self.signatures[i].clone());
        Some(match sel {
            SigSel::Made(i) => made(*i)?,
            SigSel::Corrupt { sig, at, xor } => {
                let mut s = made(*sig)?;
                let at = pick(s.len(), *at)?;
                s[at] ^= xor;
                s
            }
            SigSel::Fresh(len) => pattern(*len, 11),
        })
    }

    /// The pool provider a key borrows (`Key::provider` lends it only as long as the key).
    fn pool_provider(&self, key: &Key<'_>) -> &'p Provider {
        let pool: &'p [Provider] = self.pool;
        pool.iter()
            .find(|p| std::ptr::eq(*p, key.provider()))
            .expect("every pooled key borrows a pool provider")
    }

    /// [`Op::Schannel`]: a master key on the SChannel provider, its hashes and derived keys.
    fn schannel(
        &mut self,
        tls: bool,
        client: usize,
        server: usize,
        enc: &SchannelAlg,
        mac: &SchannelAlg,
    ) -> Result<Outcome, TestCaseError> {
        let ctx = self.ctx;
        let pool = self.pool;
        let Some(prov) = pool
            .iter()
            .find(|p| p.prov_type() == ProviderType::RSA_SCHANNEL)
        else {
            return Ok(Outcome::Skipped);
        };
        let alg = if tls {
            AlgId::TLS1_MASTER
        } else {
            AlgId::SSL3_MASTER
        };
        let Some(mut master) =
            ctx.ok("Provider::gen_key", prov.gen_key(alg, KeyFlags::EXPORTABLE))?
        else {
            return Ok(Outcome::Ran);
        };
        ctx.ok(
            "Key::set_client_random",
            master.set_client_random(&pattern(client, 21)),
        )?;
        ctx.ok(
            "Key::set_server_random",
            master.set_server_random(&pattern(server, 22)),
        )?;
        ctx.ok("Key::set_schannel_alg", master.set_schannel_alg(enc))?;
        ctx.ok("Key::set_schannel_alg", master.set_schannel_alg(mac))?;
        let made = prov.create_hash(AlgId::SCHANNEL_MASTER_HASH, Some(&master));
        if let Some(mut hash) = ctx.ok("Provider::create_hash", made)? {
            for derived in [AlgId::SCHANNEL_ENC_KEY, AlgId::SCHANNEL_MAC_KEY] {
                for flags in [KeyFlags::EXPORTABLE, KeyFlags::SERVER] {
                    let key = prov.derive_key(derived, &mut hash, flags);
                    if let Some(key) = ctx.ok("Provider::derive_key", key)? {
                        self.push_key(key);
                    }
                }
            }
            push_capped(&mut self.hashes, hash, MAX_HASHES);
        }
        let prf = prov.create_hash(AlgId::TLS1PRF, Some(&master));
        if let Some(prf) = ctx.ok("Provider::create_hash", prf)? {
            push_capped(&mut self.hashes, prf, MAX_HASHES);
        }
        self.push_key(master);
        Ok(Outcome::Ran)
    }

    fn push_key(&mut self, key: Key<'p>) {
        push_capped(&mut self.keys, key, MAX_KEYS);
    }

    fn push_blob(&mut self, blob: &[u8]) {
        push_capped(&mut self.blobs, blob.to_vec(), MAX_BLOBS);
    }

    #[allow(
        clippy::too_many_lines,
        reason = "one arm per op: the whole interpreter reads in one place"
    )]
    fn step(&mut self, op: &Op) -> Result<Outcome, TestCaseError> {
        let ctx = self.ctx;
        let pool = self.pool;
        let prov_of = |i: usize| &pool[i % pool.len()];
        match op {
            Op::Acquire {
                store,
                container,
                provider,
                prov_type,
                flags,
                keep,
            } => {
                let (c, p) = (container.as_deref(), provider.as_deref());
                let (api, result) = match store {
                    StoreSel::Default => (
                        "Provider::acquire",
                        Provider::acquire(c, p, *prov_type, *flags),
                    ),
                    StoreSel::File => (
                        "KeyStore::acquire",
                        self.stores.file.acquire(c, p, *prov_type, *flags),
                    ),
                    StoreSel::Memory => (
                        "KeyStore::acquire",
                        self.stores.memory.acquire(c, p, *prov_type, *flags),
                    ),
                };
                if let Some(prov) = ctx.ok(api, result)? {
                    self.check_acquired(&prov, c, p, *prov_type, *flags)?;
                    if *keep {
                        push_capped(&mut self.extras, prov, MAX_EXTRAS);
                    }
                }
            }
            Op::DeleteContainer {
                store,
                container,
                provider,
                prov_type,
                flags,
            } => {
                let (c, p) = (container.as_deref(), provider.as_deref());
                let (api, result) = match store {
                    StoreSel::Default => (
                        "Provider::delete_container",
                        Provider::delete_container(c, p, *prov_type, *flags),
                    ),
                    StoreSel::File => (
                        "KeyStore::delete_container",
                        self.stores.file.delete_container(c, p, *prov_type, *flags),
                    ),
                    StoreSel::Memory => (
                        "KeyStore::delete_container",
                        self.stores
                            .memory
                            .delete_container(c, p, *prov_type, *flags),
                    ),
                };
                ctx.ok(api, result)?;
            }
            Op::VerifyContext { store, prov_type } => {
                let (api, result) = match store {
                    StoreSel::Default => (
                        "Provider::verify_context",
                        Provider::verify_context(*prov_type),
                    ),
                    StoreSel::File => (
                        "KeyStore::verify_context",
                        self.stores.file.verify_context(*prov_type),
                    ),
                    StoreSel::Memory => (
                        "KeyStore::verify_context",
                        self.stores.memory.verify_context(*prov_type),
                    ),
                };
                if let Some(prov) = ctx.ok(api, result)? {
                    ctx.ensure(
                        prov.is_verify_context() && prov.container().is_none(),
                        || format!("verify_context made a context with a container\n  {prov:?}"),
                    )?;
                    if let Some(names) = ctx.ok("Provider::containers", prov.containers())? {
                        ctx.ensure(names.is_sorted(), || {
                            format!("containers are not sorted\n  {names:?}")
                        })?;
                    }
                }
            }
            Op::StoreInfo {
                store,
                machine,
                name,
            } => {
                let keyset = if *machine {
                    KeySet::Machine
                } else {
                    KeySet::User
                };
                let store = match store {
                    StoreSel::Default => {
                        match ctx.ok("KeyStore::default_store", KeyStore::default_store())? {
                            Some(store) => store,
                            None => return Ok(Outcome::Ran),
                        }
                    }
                    StoreSel::File => self.stores.file.clone(),
                    StoreSel::Memory => self.stores.memory.clone(),
                };
                let _ = (store.root(), store.container_path(keyset, name));
                let _ = (store.lock_path(keyset, name), format!("{store:?}"));
                if let Some(names) = ctx.ok("KeyStore::containers", store.containers(keyset))? {
                    ctx.ensure(names.is_sorted(), || {
                        format!("containers are not sorted\n  {names:?}")
                    })?;
                }
            }
            Op::CloneProvider { prov } => {
                let i = prov % pool.len();
                push_capped(&mut self.clones, (i, pool[i].clone()), MAX_CLONES);
            }
            Op::ReleaseClone { clone, flags } => {
                let Some(i) = pick(self.clones.len(), *clone) else {
                    return Ok(Outcome::Skipped);
                };
                let (_, prov) = self.clones.remove(i);
                let result = prov.release(ReleaseFlags::from_bits_retain(flags.0));
                ctx.ensure(result.is_ok() == (flags.0 == 0), || {
                    format!("release's result does not follow its flags\n  {flags:?}: {result:?}")
                })?;
                ctx.ok("Provider::release", result)?;
            }
            Op::ReleaseExtra { extra, flags } => {
                let Some(i) = pick(self.extras.len(), *extra) else {
                    return Ok(Outcome::Skipped);
                };
                let prov = self.extras.remove(i);
                ctx.ok(
                    "Provider::release",
                    prov.release(ReleaseFlags::from_bits_retain(flags.0)),
                )?;
            }
            Op::GenRandom { prov, len } => {
                let mut buf = vec![0u8; *len];
                ctx.ok(
                    "Provider::gen_random",
                    self.any_provider(*prov).gen_random(&mut buf),
                )?;
            }
            Op::ProvInfo { prov } => {
                let p = self.any_provider(*prov);
                let _ = (
                    p.name(),
                    p.prov_type(),
                    p.key_set(),
                    p.is_silent(),
                    format!("{p:?}"),
                );
                ctx.ensure(p.is_verify_context() == p.container().is_none(), || {
                    format!("is_verify_context disagrees with container\n  {p:?}")
                })?;
                ctx.ok("Provider::unique_container", p.unique_container())?;
                ctx.ok("Provider::containers", p.containers())?;
            }
            Op::UserKey { prov, spec, keep } => {
                let n = pool.len() + self.extras.len();
                if *keep && prov % n < pool.len() {
                    let result = pool[prov % n].user_key(*spec);
                    if let Some(key) = ctx.ok("Provider::user_key", result)? {
                        self.push_key(key);
                    }
                } else {
                    let p = self.any_provider(*prov);
                    if let Some(key) = ctx.ok("Provider::user_key", p.user_key(*spec))? {
                        let public =
                            ctx.ok("Key::export", key.export(None, BlobType::PublicKeyBlob, 0))?;
                        ctx.ensure(public.is_some(), || {
                            "a user key does not export its public blob".into()
                        })?;
                        if let Some(public) = public {
                            push_capped(&mut self.blobs, public.to_vec(), MAX_BLOBS);
                        }
                    }
                }
            }
            Op::GenKey {
                prov,
                alg,
                flags,
                bits,
            } => {
                let mut bits = *bits;
                if is_pair_alg(*alg) {
                    if self.pairs_left == 0 {
                        return Ok(Outcome::Skipped);
                    }
                    // Keep generation fast: a valid length above 1024 becomes 512. Invalid
                    // lengths (above 16384, not a multiple of 8) stay, and must fail fast.
                    if (1025..=16384).contains(&bits) && bits % 8 == 0 {
                        bits = 512;
                    }
                    self.pairs_left -= 1;
                }
                let result = prov_of(*prov).gen_key(*alg, flags.with_key_bits(bits));
                if let Some(key) = ctx.ok("Provider::gen_key", result)? {
                    self.push_key(key);
                }
            }
            Op::DeriveKey {
                prov,
                alg,
                hash,
                flags,
                bits,
            } => {
                let Some(h) = pick(self.hashes.len(), *hash) else {
                    return Ok(Outcome::Skipped);
                };
                let result = prov_of(*prov).derive_key(
                    *alg,
                    &mut self.hashes[h],
                    flags.with_key_bits(*bits),
                );
                if let Some(key) = ctx.ok("Provider::derive_key", result)? {
                    self.push_key(key);
                }
            }
            Op::ImportKey {
                prov,
                blob,
                unwrap,
                flags,
            } => {
                let Some(blob) = self.blob(blob) else {
                    return Ok(Outcome::Skipped);
                };
                let unwrap = unwrap
                    .and_then(|u| pick(self.keys.len(), u))
                    .map(|u| &self.keys[u]);
                let result = prov_of(*prov).import_key(&blob, unwrap, *flags);
                if let Some(key) = ctx.ok("Provider::import_key", result)? {
                    self.push_key(key);
                }
            }
            Op::Encrypt {
                key,
                hash,
                form,
                len,
                final_block,
                flags,
            } => return self.encrypt(*key, *hash, *form, *len, *final_block, *flags),
            Op::Decrypt {
                key,
                hash,
                form,
                data,
                final_block,
                flags,
            } => return self.decrypt(*key, *hash, *form, data, *final_block, *flags),
            Op::RoundTrip { key, len } => return self.round_trip(*key, *len),
            Op::SetIv { key, len } => {
                let Some(k) = pick(self.keys.len(), *key) else {
                    return Ok(Outcome::Skipped);
                };
                let iv = pattern(*len, 1);
                let key = &mut self.keys[k];
                // One block is read (none on RC4 and RSA keys, whose IV stays empty).
                let block = key.iv().len();
                if ctx.ok("Key::set_iv", key.set_iv(&iv))?.is_some() {
                    ctx.ensure(iv.get(..block) == Some(&key.iv()[..]), || {
                        format!(
                            "the IV does not read back\n  set {iv:?}, read {:?}",
                            key.iv()
                        )
                    })?;
                }
            }
            Op::SetSalt { key, len } => {
                let Some(k) = pick(self.keys.len(), *key) else {
                    return Ok(Outcome::Skipped);
                };
                ctx.ok("Key::set_salt", self.keys[k].set_salt(&pattern(*len, 2)))?;
            }
            Op::SetSaltEx { key, len } => {
                let Some(k) = pick(self.keys.len(), *key) else {
                    return Ok(Outcome::Skipped);
                };
                ctx.ok(
                    "Key::set_salt_ex",
                    self.keys[k].set_salt_ex(&pattern(*len, 4)),
                )?;
            }
            Op::SetMode { key, mode } => {
                let Some(k) = pick(self.keys.len(), *key) else {
                    return Ok(Outcome::Skipped);
                };
                let key = &mut self.keys[k];
                if ctx.ok("Key::set_mode", key.set_mode(*mode))?.is_some() {
                    ctx.ensure(key.mode() == *mode, || {
                        format!(
                            "the mode does not read back\n  set {mode:?}, read {:?}",
                            key.mode()
                        )
                    })?;
                }
            }
            Op::SetPadding { key, padding } => {
                let Some(k) = pick(self.keys.len(), *key) else {
                    return Ok(Outcome::Skipped);
                };
                ctx.ok("Key::set_padding", self.keys[k].set_padding(padding.0))?;
            }
            Op::SetEffectiveKeyBits { key, bits } => {
                let Some(k) = pick(self.keys.len(), *key) else {
                    return Ok(Outcome::Skipped);
                };
                ctx.ok(
                    "Key::set_effective_key_bits",
                    self.keys[k].set_effective_key_bits(*bits),
                )?;
            }
            Op::SetPermissions { key, permissions } => {
                let Some(k) = pick(self.keys.len(), *key) else {
                    return Ok(Outcome::Skipped);
                };
                ctx.ok(
                    "Key::set_permissions",
                    self.keys[k].set_permissions(*permissions),
                )?;
            }
            Op::SetPkcs1Rejection { key, explicit } => {
                let Some(k) = pick(self.keys.len(), *key) else {
                    return Ok(Outcome::Skipped);
                };
                let rejection = if *explicit {
                    Pkcs1Rejection::Explicit
                } else {
                    Pkcs1Rejection::Implicit
                };
                self.keys[k].set_pkcs1_rejection(rejection);
                ctx.ensure(self.keys[k].pkcs1_rejection() == rejection, || {
                    "pkcs1_rejection does not read back".into()
                })?;
            }
            Op::KeyInfo { key } => {
                let Some(k) = pick(self.keys.len(), *key) else {
                    return Ok(Outcome::Skipped);
                };
                let key = &self.keys[k];
                let _ = (key.key_bits(), key.effective_key_bits(), key.block_bits());
                let _ = (key.alg_id(), key.permissions(), key.iv(), key.salt());
                let _ = (
                    key.encrypted_len(0, true),
                    key.encrypted_len(usize::MAX / 2, false),
                );
                let _ = (format!("{key:?}"), key.provider().name());
                ctx.ensure(
                    key.padding() == PKCS5_PADDING && key.mode_bits() == 8,
                    || "padding or mode_bits changed".into(),
                )?;
            }
            Op::Export {
                key,
                wrap,
                blob_type,
                flags,
            } => {
                let Some(k) = pick(self.keys.len(), *key) else {
                    return Ok(Outcome::Skipped);
                };
                let wrap = wrap
                    .and_then(|w| pick(self.keys.len(), w))
                    .map(|w| &self.keys[w]);
                let result = self.keys[k].export(wrap, *blob_type, flags.0);
                if let Some(blob) = ctx.ok("Key::export", result)? {
                    push_capped(&mut self.blobs, blob.to_vec(), MAX_BLOBS);
                }
            }
            Op::PlaintextRoundTrip { key } => return self.plaintext_round_trip(*key),
            Op::DuplicateKey { key } => {
                let Some(k) = pick(self.keys.len(), *key) else {
                    return Ok(Outcome::Skipped);
                };
                if let Some(copy) = ctx.ok("Key::duplicate", self.keys[k].duplicate())? {
                    self.push_key(copy);
                }
            }
            Op::DestroyKey { key } => {
                let Some(k) = pick(self.keys.len(), *key) else {
                    return Ok(Outcome::Skipped);
                };
                ctx.ok("Key::destroy", self.keys.remove(k).destroy())?;
            }
            Op::Schannel {
                tls,
                client,
                server,
                enc,
                mac,
            } => return self.schannel(*tls, *client, *server, enc, mac),
            Op::SetSchannel {
                key,
                which,
                len,
                alg,
            } => {
                let Some(k) = pick(self.keys.len(), *key) else {
                    return Ok(Outcome::Skipped);
                };
                let key = &mut self.keys[k];
                let random = pattern(*len, 11);
                match which {
                    0 => ctx.ok("Key::set_client_random", key.set_client_random(&random))?,
                    1 => ctx.ok("Key::set_server_random", key.set_server_random(&random))?,
                    _ => ctx.ok("Key::set_schannel_alg", key.set_schannel_alg(alg))?,
                };
            }
            Op::Prf {
                hash,
                label,
                seed,
                len,
            } => {
                let Some(h) = pick(self.hashes.len(), *hash) else {
                    return Ok(Outcome::Skipped);
                };
                let hash = &mut self.hashes[h];
                ctx.ok(
                    "Hash::set_tls1prf_label",
                    hash.set_tls1prf_label(&pattern(*label, 12)),
                )?;
                ctx.ok(
                    "Hash::set_tls1prf_seed",
                    hash.set_tls1prf_seed(&pattern(*seed, 13)),
                )?;
                if let Some(out) = ctx.ok("Hash::prf", hash.prf(*len))? {
                    let longer = ctx.ok("Hash::prf", hash.prf(*len + 7))?;
                    ctx.ensure(
                        out.len() == *len && longer.is_some_and(|l| l[..*len] == out[..]),
                        || format!("a PRF output is not a prefix of a longer one\n  {hash:?}"),
                    )?;
                }
            }
            Op::CreateHash { prov, alg, key } => {
                let key = key
                    .and_then(|k| pick(self.keys.len(), k))
                    .map(|k| &self.keys[k]);
                let result = prov_of(*prov).create_hash(*alg, key);
                if let Some(hash) = ctx.ok("Provider::create_hash", result)? {
                    ctx.ensure(hash.alg_id() == *alg, || {
                        format!("create_hash made another algorithm\n  {alg:?}: {hash:?}")
                    })?;
                    push_capped(&mut self.hashes, hash, MAX_HASHES);
                }
            }
            Op::HashData { hash, len, flags } => {
                let Some(h) = pick(self.hashes.len(), *hash) else {
                    return Ok(Outcome::Skipped);
                };
                let data = pattern(*len, ctx.step);
                let hash = &mut self.hashes[h];
                match flags {
                    None => ctx.ok("Hash::hash_data", hash.hash_data(&data))?,
                    Some(flags) => ctx.ok(
                        "Hash::hash_data_with_flags",
                        hash.hash_data_with_flags(&data, flags.0),
                    )?,
                };
            }
            Op::WriteHash { hash, len } => {
                let Some(h) = pick(self.hashes.len(), *hash) else {
                    return Ok(Outcome::Skipped);
                };
                let data = pattern(*len, ctx.step);
                // `io::Write` is documented to surface `hash_data`'s errors.
                let result = self.hashes[h].write_all(&data).map_err(|e| {
                    e.get_ref()
                        .and_then(|inner| inner.downcast_ref::<Error>())
                        .map_or_else(
                            || Error::from_code(0xFFFF_FFFF),
                            |e| Error::from_code(e.code()),
                        )
                });
                ctx.ok("Hash::hash_data", result)?;
            }
            Op::Value { hash } => {
                let Some(h) = pick(self.hashes.len(), *hash) else {
                    return Ok(Outcome::Skipped);
                };
                let hash = &mut self.hashes[h];
                if let Some(value) = ctx.ok("Hash::value", hash.value())? {
                    ctx.ensure(value.len() == hash.size(), || {
                        format!(
                            "a hash value's length is not size()\n  {hash:?}: {} bytes, size {}",
                            value.len(),
                            hash.size()
                        )
                    })?;
                    let again = ctx.ok("Hash::value", hash.value())?;
                    ctx.ensure(again.as_ref() == Some(&value), || {
                        format!("a hash value changed when read again\n  {hash:?}")
                    })?;
                }
            }
            Op::SetValue { hash, len } => {
                let Some(h) = pick(self.hashes.len(), *hash) else {
                    return Ok(Outcome::Skipped);
                };
                let hash = &mut self.hashes[h];
                let size = hash.size();
                let value = pattern(len.unwrap_or(size), 9);
                if ctx.ok("Hash::set_value", hash.set_value(&value))?.is_some() {
                    // The first `size` bytes are used, as Windows reads them.
                    let value = value[..size].to_vec();
                    let read = ctx.ok("Hash::value", hash.value())?;
                    ctx.ensure(read.as_ref() == Some(&value), || {
                        format!(
                            "a set hash value does not read back\n  {hash:?}: {value:?}, {read:?}"
                        )
                    })?;
                }
            }
            Op::SetHmacInfo {
                hash,
                alg,
                inner,
                outer,
            } => {
                let Some(h) = pick(self.hashes.len(), *hash) else {
                    return Ok(Outcome::Skipped);
                };
                let info = if *inner == 0 && *outer == 0 {
                    HmacInfo::new(*alg)
                } else {
                    HmacInfo::with_pads(*alg, &pattern(*inner, 6), &pattern(*outer, 7))
                };
                let _ = format!("{info:?}");
                ctx.ok("Hash::set_hmac_info", self.hashes[h].set_hmac_info(&info))?;
            }
            Op::HashSessionKey { hash, key, flags } => {
                let (Some(h), Some(k)) =
                    (pick(self.hashes.len(), *hash), pick(self.keys.len(), *key))
                else {
                    return Ok(Outcome::Skipped);
                };
                let result = self.hashes[h].hash_session_key(&self.keys[k], flags.0);
                ctx.ok("Hash::hash_session_key", result)?;
            }
            Op::Param { hash, param, flags } => {
                let Some(h) = pick(self.hashes.len(), *hash) else {
                    return Ok(Outcome::Skipped);
                };
                ctx.ok("Hash::param", self.hashes[h].param(*param, flags.0))?;
            }
            Op::ProvParam {
                prov,
                id,
                set,
                flags,
            } => {
                let p = self.any_provider(*prov);
                match set {
                    None => {
                        let value = ctx.ok("Provider::param", p.param(*id, flags.0))?;
                        if let (Some(value), 4) = (&value, *id) {
                            ctx.ensure(value[..] == *format!("{}\0", p.name()).as_bytes(), || {
                                format!("PP_NAME is not the name\n  {p:?}: {value:?}")
                            })?;
                        }
                    }
                    Some(len) => {
                        let data = pattern(*len, 5);
                        ctx.ok("Provider::set_param", p.set_param(*id, &data, flags.0))?;
                    }
                }
            }
            Op::KeyParam {
                key,
                id,
                set,
                flags,
            } => {
                let Some(k) = pick(self.keys.len(), *key) else {
                    return Ok(Outcome::Skipped);
                };
                let key = &mut self.keys[k];
                match set {
                    None => {
                        let value = ctx.ok("Key::param", key.param(*id, flags.0))?;
                        if let (Some(value), 1) = (&value, *id) {
                            ctx.ensure(*value == key.iv(), || {
                                format!("KP_IV is not the IV\n  {key:?}: {value:?}")
                            })?;
                        }
                    }
                    Some(len) => {
                        let data = pattern(*len, 6);
                        ctx.ok("Key::set_param", key.set_param(*id, &data, flags.0))?;
                    }
                }
            }
            Op::HashSetParam {
                hash,
                id,
                len,
                valid,
                flags,
            } => {
                let Some(h) = pick(self.hashes.len(), *hash) else {
                    return Ok(Outcome::Skipped);
                };
                let data = if *valid && *id == 5 {
                    HmacInfo::with_pads(AlgId::SHA1, &pattern(*len, 7), &[]).to_bytes()
                } else {
                    pattern(*len, 7)
                };
                let result = self.hashes[h].set_param(*id, &data, flags.0);
                ctx.ok("Hash::set_param", result)?;
            }
            Op::Sign {
                hash,
                spec,
                flags,
                described,
            } => return self.sign(*hash, *spec, *flags, *described),
            Op::VerifySignature {
                hash,
                key,
                sig,
                flags,
                described,
            } => {
                let (Some(h), Some(k), Some(sig)) = (
                    pick(self.hashes.len(), *hash),
                    pick(self.keys.len(), *key),
                    self.signature(sig),
                ) else {
                    return Ok(Outcome::Skipped);
                };
                let (hash, key) = (&mut self.hashes[h], &self.keys[k]);
                if *described {
                    let result = hash.verify_signature_with_description(
                        &sig,
                        key,
                        Some(DESCRIPTION),
                        flags.0,
                    );
                    ctx.ok("Hash::verify_signature_with_description", result)?;
                } else {
                    let result = hash.verify_signature(&sig, key, flags.0);
                    ctx.ok("Hash::verify_signature", result)?;
                }
            }
            Op::DuplicateHash { hash } => {
                let Some(h) = pick(self.hashes.len(), *hash) else {
                    return Ok(Outcome::Skipped);
                };
                let hash = &self.hashes[h];
                let (Some(mut a), Some(mut b)) = (
                    ctx.ok("Hash::duplicate", hash.duplicate())?,
                    ctx.ok("Hash::duplicate", hash.duplicate())?,
                ) else {
                    return Ok(Outcome::Ran);
                };
                let (va, vb) = (a.value(), b.value());
                let same = match (&va, &vb) {
                    (Ok(x), Ok(y)) => x == y,
                    (Err(x), Err(y)) => x.code() == y.code(),
                    _ => false,
                };
                ctx.ensure(same, || {
                    format!(
                        "two duplicates of a hash give different values\n  {hash:?}: {va:?}, {vb:?}"
                    )
                })?;
                ctx.ok("Hash::value", va)?;
                push_capped(&mut self.hashes, a, MAX_HASHES);
            }
            Op::DestroyHash { hash } => {
                let Some(h) = pick(self.hashes.len(), *hash) else {
                    return Ok(Outcome::Skipped);
                };
                ctx.ok("Hash::destroy", self.hashes.remove(h).destroy())?;
            }
        }
        Ok(Outcome::Ran)
    }

    /// What a successful acquire must have made.
    fn check_acquired(
        &self,
        prov: &Provider,
        container: Option<&str>,
        provider: Option<&str>,
        prov_type: ProviderType,
        flags: AcquireFlags,
    ) -> Result<(), TestCaseError> {
        let ctx = self.ctx;
        let verify = flags.contains(AcquireFlags::VERIFYCONTEXT);
        ctx.ensure(prov.is_verify_context() == verify, || {
            format!("acquire's context does not follow VERIFYCONTEXT\n  {flags:?}: {prov:?}")
        })?;
        ctx.ensure(prov.prov_type() == prov_type, || {
            format!("acquire's context has another type\n  {prov_type:?}: {prov:?}")
        })?;
        if let Some(name) = provider.filter(|n| !n.is_empty()) {
            ctx.ensure(prov.name().eq_ignore_ascii_case(name), || {
                format!("acquire's context has another provider\n  {name:?}: {prov:?}")
            })?;
        }
        if let Some(name) = container.filter(|n| !n.is_empty() && !verify) {
            ctx.ensure(prov.container() == Some(name), || {
                format!(
                    "acquire's context has another container\n  {name:?}: {:?}",
                    prov.container()
                )
            })?;
        }
        Ok(())
    }

    fn encrypt(
        &mut self,
        key: usize,
        hash: Option<usize>,
        form: Form,
        len: usize,
        final_block: bool,
        flags: Bits,
    ) -> Result<Outcome, TestCaseError> {
        let ctx = self.ctx;
        let Some(k) = pick(self.keys.len(), key) else {
            return Ok(Outcome::Skipped);
        };
        let h = hash.and_then(|h| pick(self.hashes.len(), h));
        let key = &mut self.keys[k];
        let hash = h.map(|h| &mut self.hashes[h]);
        let plain = pattern(len, ctx.step);
        let mut data = plain.clone();
        let made = match form {
            Form::Plain => {
                let result = key.encrypt(&mut data, final_block);
                let failed = result.is_err();
                ctx.ok("Key::encrypt", result)?;
                ctx.ensure(!failed || data == plain, || {
                    format!("a failed encrypt changed the data\n  {key:?}")
                })?;
                (!failed).then_some(data)
            }
            Form::With => {
                let result = key.encrypt_with(hash, final_block, flags.0, &mut data);
                let failed = result.is_err();
                ctx.ok("Key::encrypt_with", result)?;
                ctx.ensure(!failed || data == plain, || {
                    format!("a failed encrypt_with changed the data\n  {key:?}")
                })?;
                (!failed).then_some(data)
            }
            Form::InPlace { buf_len } => {
                let mut buf = pattern(buf_len, 8);
                let n = len.min(buf_len);
                buf[..n].copy_from_slice(&plain[..n]);
                let before = buf.clone();
                let expected_len = key.encrypted_len(len, final_block);
                let copy = ctx.ok("Key::duplicate", key.duplicate())?;
                let result = key.encrypt_in_place(&mut buf, len, final_block);
                match ctx.ok("Key::encrypt_in_place", result)? {
                    None => {
                        ctx.ensure(buf == before, || {
                            format!("a failed encrypt_in_place changed the buffer\n  {key:?}")
                        })?;
                        None
                    }
                    Some(out) => {
                        ctx.ensure(out == expected_len && out <= buf_len, || {
                            format!("encrypt_in_place's length is wrong\n  {out}, {expected_len}")
                        })?;
                        // The same state encrypting through the Vec form gives the same bytes.
                        if let Some(mut copy) = copy {
                            let mut vec_form = plain.clone();
                            let again = copy.encrypt(&mut vec_form, final_block);
                            ctx.ensure(again.is_ok() && vec_form == buf[..out], || {
                                format!(
                                    "encrypt_in_place and encrypt disagree\n  {key:?}: {again:?}"
                                )
                            })?;
                        }
                        Some(buf[..out].to_vec())
                    }
                }
            }
        };
        if let Some(ct) = made {
            push_capped(&mut self.ciphertexts, ct, MAX_BLOBS);
        }
        Ok(Outcome::Ran)
    }

    fn decrypt(
        &mut self,
        key: usize,
        hash: Option<usize>,
        form: Form,
        data: &DataSel,
        final_block: bool,
        flags: Bits,
    ) -> Result<Outcome, TestCaseError> {
        let ctx = self.ctx;
        let (Some(k), Some(input)) = (pick(self.keys.len(), key), self.data(data)) else {
            return Ok(Outcome::Skipped);
        };
        let h = hash.and_then(|h| pick(self.hashes.len(), h));
        let key = &mut self.keys[k];
        let hash = h.map(|h| &mut self.hashes[h]);
        let mut data = input.clone();
        match form {
            Form::Plain => {
                let result = key.decrypt(&mut data, final_block);
                let failed = result.is_err();
                ctx.ok("Key::decrypt", result)?;
                ctx.ensure(!failed || data == input, || {
                    format!("a failed decrypt changed the data\n  {key:?}")
                })?;
            }
            Form::With => {
                let result = key.decrypt_with(hash, final_block, flags.0, &mut data);
                let failed = result.is_err();
                ctx.ok("Key::decrypt_with", result)?;
                ctx.ensure(!failed || data == input, || {
                    format!("a failed decrypt_with changed the data\n  {key:?}")
                })?;
            }
            Form::InPlace { .. } => {
                let result = key.decrypt_in_place(&mut data, final_block);
                match ctx.ok("Key::decrypt_in_place", result)? {
                    None => ctx.ensure(data == input, || {
                        format!("a failed decrypt_in_place changed the buffer\n  {key:?}")
                    })?,
                    Some(n) => ctx.ensure(n <= data.len(), || {
                        format!(
                            "decrypt_in_place returned more than its input\n  {n} of {}",
                            data.len()
                        )
                    })?,
                }
            }
        }
        Ok(Outcome::Ran)
    }

    /// A key encrypts (final) and its duplicate, taken just before, decrypts back.
    fn round_trip(&mut self, key: usize, len: usize) -> Result<Outcome, TestCaseError> {
        let ctx = self.ctx;
        let Some(k) = pick(self.keys.len(), key) else {
            return Ok(Outcome::Skipped);
        };
        let key = &mut self.keys[k];
        let Some(mut copy) = ctx.ok("Key::duplicate", key.duplicate())? else {
            return Ok(Outcome::Ran);
        };
        let plain = pattern(len, ctx.step);
        let mut data = plain.clone();
        if ctx
            .ok("Key::encrypt", key.encrypt(&mut data, true))?
            .is_none()
        {
            return Ok(Outcome::Ran);
        }
        let ciphertext = data.clone();
        let result = copy.decrypt(&mut data, true);
        match &result {
            Ok(()) => ctx.ensure(data == plain, || {
                format!("encrypt, then decrypt by a duplicate, gives other bytes\n  {key:?}")
            })?,
            // A public RSA key encrypts but has nothing to decrypt with.
            Err(err) => ctx.ensure(
                key.alg_id() == AlgId::RSA_KEYX && matches!(err, Error::NoKey),
                || format!("encrypted, but a duplicate cannot decrypt\n  {key:?}: {err:?}"),
            )?,
        }
        ctx.ok("Key::decrypt", result)?;
        push_capped(&mut self.ciphertexts, ciphertext, MAX_BLOBS);
        self.push_key(copy);
        Ok(Outcome::Ran)
    }

    /// An exported `PLAINTEXTKEYBLOB` imports again (on the key's provider) and exports the same
    /// bytes.
    fn plaintext_round_trip(&mut self, key: usize) -> Result<Outcome, TestCaseError> {
        let ctx = self.ctx;
        let Some(k) = pick(self.keys.len(), key) else {
            return Ok(Outcome::Skipped);
        };
        let key = &self.keys[k];
        let exported = key.export(None, BlobType::PlaintextKeyBlob, 0);
        let Some(blob) = ctx.ok("Key::export", exported)? else {
            return Ok(Outcome::Ran);
        };
        let flags = KeyFlags::EXPORTABLE | KeyFlags::IPSEC_HMAC_KEY;
        let imported = self.pool_provider(key).import_key(&blob, None, flags);
        let failed = imported.as_ref().err().map(|e| format!("{e:?}"));
        let Some(again) = ctx.ok("Provider::import_key", imported)? else {
            return ctx
                .ensure(false, || {
                    format!(
                        "an exported PLAINTEXTKEYBLOB does not import again\n  {key:?}: {failed:?}"
                    )
                })
                .map(|()| Outcome::Ran);
        };
        let second = again.export(None, BlobType::PlaintextKeyBlob, 0);
        let same = second.as_ref().is_ok_and(|b| **b == *blob);
        ctx.ensure(same, || {
            format!(
                "a re-imported PLAINTEXTKEYBLOB exports differently\n  {key:?}: {:?}",
                second.as_ref().map(|b| b.len())
            )
        })?;
        ctx.ok("Key::export", second)?;
        self.push_blob(&blob);
        self.push_key(again);
        Ok(Outcome::Ran)
    }

    /// Signs, and checks that the signature verifies with the pair's key on a duplicate of the
    /// hash taken before signing.
    fn sign(
        &mut self,
        hash: usize,
        spec: KeySpec,
        flags: Bits,
        described: bool,
    ) -> Result<Outcome, TestCaseError> {
        let ctx = self.ctx;
        let Some(h) = pick(self.hashes.len(), hash) else {
            return Ok(Outcome::Skipped);
        };
        let hash = &mut self.hashes[h];
        let copy = ctx.ok("Hash::duplicate", hash.duplicate())?;
        let len = ctx.ok("Hash::signature_len", hash.signature_len(spec))?;
        let description = described.then_some(DESCRIPTION);
        let signed = if described {
            let result = hash.sign_with_description(spec, description, flags.0);
            ctx.ok("Hash::sign_with_description", result)?
        } else {
            ctx.ok("Hash::sign", hash.sign(spec, flags.0))?
        };
        let Some(signature) = signed else {
            return Ok(Outcome::Ran);
        };
        ctx.ensure(len == Some(signature.len()), || {
            format!(
                "signature_len disagrees with sign\n  {hash:?}: {len:?}, {}",
                signature.len()
            )
        })?;
        let prov = hash.provider();
        let pair = ctx.ok("Provider::user_key", prov.user_key(spec))?;
        if let (Some(mut copy), Some(pair)) = (copy, pair) {
            let verified =
                copy.verify_signature_with_description(&signature, &pair, description, flags.0);
            ctx.ensure(verified.is_ok(), || {
                format!(
                    "a fresh signature does not verify\n  {hash:?}, flags {flags:?}: {verified:?}"
                )
            })?;
        }
        push_capped(&mut self.signatures, signature, MAX_BLOBS);
        Ok(Outcome::Ran)
    }
}

/// Serialises cases (they set the process's default store root) and gives each one a fresh
/// temporary root, unset and removed at the end even when the case fails.
struct CaseEnv {
    root: TempRoot,
    /// Dropped last: the next case starts once this one is cleaned up.
    _guard: MutexGuard<'static, ()>,
}

impl CaseEnv {
    fn new() -> CaseEnv {
        static SERIAL: Mutex<()> = Mutex::new(());
        let guard = lock(&SERIAL);
        let root = TempRoot::new("api-seq");
        KeyStore::set_default_root(Some(root.path.clone()));
        CaseEnv {
            root,
            _guard: guard,
        }
    }
}

impl Drop for CaseEnv {
    fn drop(&mut self) {
        KeyStore::set_default_root(None);
    }
}

/// Runs one sequence in a fresh environment.
fn run_case(ops: &[Op], pairs: u32) -> Result<(), TestCaseError> {
    let env = CaseEnv::new();
    let stores = Stores {
        file: env
            .root
            .store()
            .with_lock_timeout(Duration::from_millis(500)),
        memory: KeyStore::in_memory().unwrap(),
    };
    let pool = provider_pool(&stores);
    let mut world = World::new(&stores, &pool, ops, pairs);
    let result = world.run();
    drop(world);
    CASES.fetch_add(1, Ordering::Relaxed);
    result
}

/// Runs `cases` random sequences of up to `max_ops` ops, each generating at most `pairs` RSA
/// key pairs, and reports.
fn run_sequences(name: &str, cases: u32, max_ops: usize, pairs: u32) {
    // Touch the docs first: a parse failure is reported as itself, not as a case failure.
    let _ = docs();
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_time: 120_000,
        ..Config::default()
    };
    let start = Instant::now();
    let (cases_before, run_before, skipped_before) = (
        CASES.load(Ordering::Relaxed),
        OPS_RUN.load(Ordering::Relaxed),
        OPS_SKIPPED.load(Ordering::Relaxed),
    );
    let mut runner = TestRunner::new(config);
    let result = runner.run(&ops(max_ops), |ops| run_case(&ops, pairs));
    eprintln!(
        "{name}: {} cases (incl. shrinking), {} ops run, {} skipped, in {:.1?}",
        CASES.load(Ordering::Relaxed) - cases_before,
        OPS_RUN.load(Ordering::Relaxed) - run_before,
        OPS_SKIPPED.load(Ordering::Relaxed) - skipped_before,
        start.elapsed()
    );
    for (api, (ok, errors)) in lock(&CALLS).iter() {
        let errors: Vec<String> = errors.iter().map(|(e, n)| format!("{e} {n}")).collect();
        eprintln!("  {api:28} ok {ok:6}  {}", errors.join(", "));
    }
    match result {
        Ok(()) => {}
        Err(TestError::Fail(reason, ops)) => {
            panic!(
                "{reason}\nminimal failing sequence ({} ops):\n{ops:#?}",
                ops.len()
            )
        }
        Err(TestError::Abort(reason)) => panic!("aborted: {reason}"),
    }
    let findings = lock(&FINDINGS);
    if !findings.is_empty() {
        for (key, first) in findings.iter() {
            eprintln!("\n=== {key}\n{first}");
        }
        panic!(
            "{} distinct findings: {:#?}",
            findings.len(),
            findings.keys().collect::<Vec<_>>()
        );
    }
}

fn env_u32(var: &str) -> Option<u32> {
    std::env::var(var).ok().and_then(|v| v.parse().ok())
}

#[test]
fn api_sequences() {
    run_sequences(
        "api_sequences",
        env_u32("PROPTEST_CASES").unwrap_or(128),
        50,
        3,
    );
}

#[test]
#[ignore = "long run: CRYPTOAPI_API_CASES=20000 cargo test --release --test api_sequences -- \
            --ignored"]
fn api_sequences_long() {
    run_sequences(
        "api_sequences_long",
        env_u32("CRYPTOAPI_API_CASES").unwrap_or(5000),
        80,
        4,
    );
}

// ---------------------------------------------------------------------------------------------
// The check itself is checked.
// ---------------------------------------------------------------------------------------------

#[test]
fn docs_cover_every_function_called() {
    let docs = docs();
    for api in CALLED {
        assert!(
            docs.has_fn(api),
            "the docs parser did not find pub fn {api}"
        );
        if INFALLIBLE.contains(&api) {
            assert!(
                docs.errors(api).is_none(),
                "{api} has an `# Errors` section"
            );
        } else {
            assert!(
                docs.errors(api).is_some(),
                "{api} has no `# Errors` section"
            );
        }
    }
    // Functions whose docs say they return nothing in practice, and all others, non-empty.
    for api in CALLED.iter().filter(|a| !INFALLIBLE.contains(a)) {
        let errors = docs.errors(api).unwrap();
        let none = [
            "Key::duplicate",
            "Key::destroy",
            "Hash::duplicate",
            "Hash::destroy",
            "Hash::set_tls1prf_label",
            "Hash::set_tls1prf_seed",
        ];
        assert_eq!(errors.is_empty(), none.contains(api), "{api}: {errors:?}");
    }
}

#[test]
fn docs_parse_as_written() {
    let docs = docs();
    let set = |api: &str| -> Vec<&str> { docs.errors(api).unwrap().iter().copied().collect() };
    assert_eq!(set("Key::set_iv"), ["NTE_BAD_DATA"]);
    assert_eq!(set("Key::set_salt"), ["NTE_BAD_DATA", "NTE_BAD_KEY"]);
    // Codes in clauses that say they cannot occur are not documented.
    assert_eq!(set("Provider::release"), ["NTE_BAD_FLAGS"]);
    // "As [`Provider::acquire`], except `ERROR_ENVVAR_NOT_FOUND`".
    let store_acquire = docs.errors("KeyStore::acquire").unwrap();
    let acquire = docs.errors("Provider::acquire").unwrap();
    assert!(acquire.contains("ERROR_ENVVAR_NOT_FOUND") && acquire.contains("NTE_EXISTS"));
    assert_eq!(
        acquire - store_acquire,
        BTreeSet::from(["ERROR_ENVVAR_NOT_FOUND"])
    );
    // "As [`decrypt`](Key::decrypt)."
    assert_eq!(set("Key::decrypt_in_place"), set("Key::decrypt"));
    // "As [`encrypt`], plus `NTE_BAD_FLAGS` ... and the errors of [`Hash::hash_data`]".
    let with = docs.errors("Key::encrypt_with").unwrap();
    assert!(docs.errors("Key::encrypt").unwrap().is_subset(with));
    assert!(docs.errors("Hash::hash_data").unwrap().is_subset(with));
    assert!(with.contains("NTE_BAD_LEN"));
    // "The provider errors of [`acquire`] (`NTE_BAD_PROV_TYPE`, ...)": only those four.
    let delete = docs.errors("Provider::delete_container").unwrap();
    assert!(delete.contains("NTE_PROV_TYPE_NO_MATCH") && !delete.contains("NTE_EXISTS"));
    // "`DELETEKEYSET` (use [`delete_container`])" inherits nothing: acquire's set is its own.
    assert!(acquire.contains("NTE_SYS_ERR"));
    // "the errors of [`Provider::user_key`] and of [`value`](Hash::value)".
    let sign = docs.errors("Hash::sign").unwrap();
    assert!(sign.contains("NTE_KEYSET_ENTRY_BAD") && sign.contains("NTE_BAD_HASH_STATE"));
}

#[test]
fn docs_parser_reads_synthetic_sections() {
    let source = r#"
impl<'a> Thing<'a> {
    /// Does a.
    ///
    /// # Errors
    ///
    /// * `NTE_BAD_FLAGS`: bad flags;
    /// * [`Error::BadKey`] for a bad key.
    ///
    /// `ERROR_BUSY` is never returned. `NTE_FAIL` cannot happen here.
    ///
    /// ```
    /// # Err::<(), _>(cryptoapi::Error::BadData)?; // `NTE_BAD_DATA` in code is ignored
    /// ```
    #[doc(
        alias = "A",
    )]
    pub fn a(&self) -> Result<()> {}

    /// # Errors
    ///
    /// As [`a`](Thing::a), except `NTE_BAD_FLAGS`, plus nothing; and the errors of
    /// [`Other::c`] (`NTE_BAD_LEN`). See [`b`](Self::a) too.
    pub fn b(&self) -> Result<()> {}
}

impl Other {
    /// # Errors
    ///
    /// `NTE_NO_KEY`, `NTE_BAD_LEN`.
    pub fn c() -> Result<()> {}

    /// No errors section.
    pub const fn d() {}
}
"#;
    let mut sections = BTreeMap::new();
    docs::parse_source(source, &mut sections);
    let docs = docs::Docs::from_sections(sections);
    let set = |api: &str| -> Vec<&str> { docs.errors(api).unwrap().iter().copied().collect() };
    assert_eq!(set("Thing::a"), ["NTE_BAD_FLAGS", "NTE_BAD_KEY"]);
    assert_eq!(set("Thing::b"), ["NTE_BAD_KEY", "NTE_BAD_LEN"]);
    assert_eq!(set("Other::c"), ["NTE_BAD_LEN", "NTE_NO_KEY"]);
    assert!(docs.has_fn("Other::d") && docs.errors("Other::d").is_none());
}

#[test]
#[should_panic(expected = "no known error code")]
fn docs_parser_refuses_unknown_error_names() {
    let mut sections = BTreeMap::new();
    docs::parse_source(
        "impl X {\n/// # Errors\n///\n/// `NTE_BAD_KEYSTATE`.\npub fn f() {}\n}",
        &mut sections,
    );
    let _ = docs::Docs::from_sections(sections);
}

#[test]
#[should_panic(expected = "not a documented pub fn")]
fn docs_parser_refuses_dangling_references() {
    let mut sections = BTreeMap::new();
    docs::parse_source(
        "impl X {\n/// # Errors\n///\n/// As [`g`](X::g).\npub fn f() {}\n}",
        &mut sections,
    );
    let _ = docs::Docs::from_sections(sections);
}

/// The check fails on an error a function does not document, and passes one it does.
#[test]
fn undocumented_codes_fail_the_check() {
    assert!(undocumented("Key::set_iv", &Error::BadData).is_none());
    let why = undocumented("Key::set_iv", &Error::BadKeyset).unwrap();
    assert!(why.contains("NTE_BAD_KEYSET"), "{why}");
    assert!(undocumented("Key::duplicate", &Error::Fail).is_some());
    assert!(undocumented("Provider::release", &Error::Busy).is_some());
    assert!(undocumented("KeyStore::acquire", &Error::EnvvarNotFound).is_some());
    assert!(undocumented("Provider::acquire", &Error::EnvvarNotFound).is_none());
    // And through the interpreter: a case that meets it fails.
    let ops = [Op::KeyInfo { key: 0 }];
    let ctx = Ctx { ops: &ops, step: 0 };
    if !collecting() {
        assert!(
            ctx.ok::<()>("Key::set_iv", Err(Error::BadKeyset)).is_err(),
            "an undocumented code passed the check"
        );
        assert!(ctx.ok::<()>("Key::set_iv", Err(Error::BadData)).is_ok());
    }
}

// ---------------------------------------------------------------------------------------------
// Regression tests for what the sequences found.
// ---------------------------------------------------------------------------------------------
/// Fails, naming the function and the code, when `result` is an error its docs do not list.
#[track_caller]
fn assert_documented<T: std::fmt::Debug>(api: &str, result: &cryptoapi::Result<T>) {
    if let Err(err) = result
        && let Some(why) = undocumented(api, err)
    {
        panic!("{why}");
    }
}

/// `Key::encrypt` on an RSA exchange key with more data than PKCS#1 v1.5 padding leaves room
/// for returns `NTE_BAD_LEN`, which `encrypt`'s `# Errors` do not list (`encrypt_with`'s do,
/// "For RSA keys"). Found as: `GenKey { CALG_RSA_KEYX }` on the Base provider (512 bits), then
/// a 64-byte `RoundTrip`.
#[test]
fn encrypt_with_an_rsa_key_documents_its_errors() {
    let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
    let mut pair = prov
        .gen_key(AlgId::RSA_KEYX, KeyFlags::empty().with_key_bits(384))
        .unwrap();
    let mut data = vec![7u8; 48 - 10]; // one byte more than the padding leaves room for
    let result = pair.encrypt(&mut data, true);
    assert!(result.is_err(), "{result:?}");
    assert_documented("Key::encrypt", &result);
}

/// `Key::decrypt` and `Key::decrypt_in_place` with a public RSA key return `NTE_NO_KEY`, which
/// their `# Errors` do not list (`decrypt_with`'s do, "For RSA keys").
#[test]
fn decrypt_with_a_public_key_documents_its_errors() {
    let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
    let pair = prov
        .gen_key(AlgId::RSA_KEYX, KeyFlags::empty().with_key_bits(384))
        .unwrap();
    let public = pair.export(None, BlobType::PublicKeyBlob, 0).unwrap();
    let mut key = prov.import_key(&public, None, KeyFlags::empty()).unwrap();
    let mut data = vec![1u8; 48];
    let result = key.decrypt(&mut data, true);
    assert!(result.is_err(), "{result:?}");
    assert_documented("Key::decrypt", &result);
    let result = key.decrypt_in_place(&mut data, true);
    assert!(result.is_err(), "{result:?}");
    assert_documented("Key::decrypt_in_place", &result);
}

/// `Hash::sign` with a pair too short for the DigestInfo and hash (SHA-512 with 384 bits, or
/// even the bare hash) returns `NTE_BAD_LEN`, which its `# Errors` do not list.
#[test]
fn sign_with_a_short_pair_documents_its_errors() {
    let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
    prov.gen_key(AlgId::RSA_SIGN, KeyFlags::empty().with_key_bits(384))
        .unwrap();
    for flags in [0, cryptoapi::CRYPT_NOHASHOID] {
        let mut hash = prov.create_hash(AlgId::SHA_512, None).unwrap();
        hash.hash_data(b"too long for the modulus").unwrap();
        let result = hash.sign(KeySpec::Signature, flags);
        assert!(result.is_err(), "{result:?}");
        assert_documented("Hash::sign", &result);
    }
}

/// A session key unwrapped from a `SIMPLEBLOB`, with `len` key bytes of `alg`.
fn long_unwrapped_key<'p>(prov: &'p Provider, pair: &Key<'_>, alg: AlgId, len: usize) -> Key<'p> {
    let mut blob = vec![8, 2, 0, 0];
    blob.extend_from_slice(&alg.raw().to_le_bytes());
    blob.extend_from_slice(&u32::try_from(len).unwrap().to_le_bytes());
    blob.extend(pattern(len, 1));
    // Any length imports for HMAC; wrapped and unwrapped, it becomes a cipher key.
    let hmac_key = prov
        .import_key(&blob, None, KeyFlags::EXPORTABLE | KeyFlags::IPSEC_HMAC_KEY)
        .unwrap();
    let simple = hmac_key
        .export(Some(pair), BlobType::SimpleBlob, 0)
        .unwrap();
    let key = prov
        .import_key(&simple, Some(pair), KeyFlags::empty())
        .unwrap();
    assert_eq!(key.key_bits() as usize, 8 * len);
    key
}

/// `set_salt` / `set_salt_ex` on an RC2 key unwrapped from a `SIMPLEBLOB` whose key and salt
/// together exceed RC2's 128-byte key schedule return `NTE_BAD_LEN` (undocumented), and keep
/// the new salt anyway: the cipher was not re-keyed, and `set_effective_key_bits` then fails
/// with `NTE_BAD_LEN` too (after changing the effective length).
#[test]
fn salt_on_a_long_rc2_key_is_refused_cleanly() {
    let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
    let pair = prov
        .gen_key(AlgId::RSA_KEYX, KeyFlags::empty().with_key_bits(1024))
        .unwrap();
    let mut key = long_unwrapped_key(&prov, &pair, AlgId::RC2, 110);
    let salt_before = key.salt();
    let result = key.set_salt_ex(&[1; 24]); // 110 + 24 > 128
    assert_documented("Key::set_salt_ex", &result);
    if result.is_err() {
        // A refused salt leaves the key as it was.
        assert_eq!(
            key.salt(),
            salt_before,
            "a failed set_salt_ex changed the salt"
        );
    }
    let result = key.set_effective_key_bits(64);
    assert_documented("Key::set_effective_key_bits", &result);
    // `KP_SALT` (11 bytes) on a 118-byte key: reached with pairs over 1024 bits.
    let pair = prov
        .gen_key(AlgId::RSA_KEYX, KeyFlags::empty().with_key_bits(1536))
        .unwrap();
    let mut key = long_unwrapped_key(&prov, &pair, AlgId::RC2, 118);
    let result = key.set_salt(&[2; 11]);
    assert_documented("Key::set_salt", &result);
}

/// The same for RC4, whose key schedule takes at most 256 bytes: after the refused salt the key
/// cannot even be duplicated (`NTE_BAD_LEN` from `duplicate`, documented to fail never), and a
/// final decryption decrypts the data and then fails.
#[test]
fn salt_on_a_long_rc4_key_is_refused_cleanly() {
    let prov = Provider::verify_context(ProviderType::RSA_FULL).unwrap();
    let pair = prov
        .gen_key(AlgId::RSA_KEYX, KeyFlags::empty().with_key_bits(2048))
        .unwrap();
    let mut key = long_unwrapped_key(&prov, &pair, AlgId::RC4, 240);
    let result = key.set_salt_ex(&[1; 24]); // 240 + 24 > 256
    assert_documented("Key::set_salt_ex", &result);
    let duplicate = key.duplicate();
    assert_documented("Key::duplicate", &duplicate);
    let mut data = vec![0u8; 8];
    let result = key.decrypt(&mut data, true);
    assert_documented("Key::decrypt", &result);
    let result = key.set_iv(&[]);
    assert_documented("Key::set_iv", &result);
}

/// `decrypt_with` and a hash that refuses data for another reason than being finished (a
/// `CALG_SSL3_SHAMD5` hash, an HMAC without `HmacInfo`): the refusal comes after the decryption,
/// so the call fails with the data already decrypted in place and, non-final, the chaining state
/// advanced (decrypting the same ciphertext again then garbles its first block).
/// `encrypt_with` checks the hash before encrypting.
#[test]
fn decrypt_with_a_refusing_hash_changes_nothing() {
    let prov = Provider::verify_context(ProviderType::RSA_AES).unwrap();
    let mut key = prov.gen_key(AlgId::AES_128, KeyFlags::empty()).unwrap();
    let plain = b"two AES blocks, one padded".to_vec();
    let mut ciphertext = plain.clone();
    key.duplicate()
        .unwrap()
        .encrypt(&mut ciphertext, true)
        .unwrap();
    for alg in [AlgId::SSL3_SHAMD5, AlgId::HMAC] {
        let hmac_key = (alg == AlgId::HMAC).then_some(&key);
        let mut hash = prov.create_hash(alg, hmac_key).unwrap();
        let mut data = ciphertext.clone();
        let result = key.decrypt_with(Some(&mut hash), false, 0, &mut data);
        assert!(result.is_err(), "{alg:?}: {result:?}");
        assert_documented("Key::decrypt_with", &result);
        assert_eq!(
            data, ciphertext,
            "{alg:?}: refused, but the data was decrypted"
        );
        let mut again = ciphertext.clone();
        key.decrypt(&mut again, true).unwrap();
        assert_eq!(
            again, plain,
            "{alg:?}: refused, but the key's chaining state moved"
        );
    }
}
