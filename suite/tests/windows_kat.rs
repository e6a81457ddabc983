//! Windows known-answer vectors: every entry of `tests/data/windows-kat.json` (see
//! `windows-kat.README.md`), run through the public API on every provider the entry lists.
//!
//! The harness is data-driven and strict:
//!
//! * one `#[test]` per op family; a family runs all of its entries, collects every failure as
//!   `<id> [<provider>]: expected <hex> got <hex or error>`, prints a summary line and panics at
//!   the end with the whole list;
//! * every key under `params` must be on the op's allow-list ([`allowed_param_paths`]), and every
//!   key of an object-valued `expected` must be understood, so a new vector field cannot be
//!   ignored silently ("unconsumed field X");
//! * hashes, HMACs and MACs are also fed in chunks of every size from 1 to 17 bytes, and every
//!   ciphertext is decrypted back to its plaintext with a fresh key built the same way;
//! * keys that Windows unwrapped from a `SIMPLEBLOB` made with the container's exchange key
//!   (`key.import.how`) are rebuilt the same way: an exchange pair is generated in the context,
//!   the plain key bytes are RSA-encrypted with it and wrapped in a `SIMPLEBLOB`, which is
//!   imported with the pair;
//! * the RSA ops (`import_key`, `export_key`, `sign`, `verify`) and the behavioural `other`
//!   entries (an object as `expected`) replay the recorded calls; checks that the notes describe
//!   and the API can express are made too, and those it cannot express (a NULL pointer) are
//!   listed as notes. The only skips are `other` entries of a kind the harness does not know.
//!
//! Everything runs in contexts of an in-memory key store: nothing touches the disk.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::sync::OnceLock;

use cryptoapi::{
    AcquireFlags, AlgId, BlobType, CRYPT_OAEP, CipherMode, HmacInfo, Key, KeyFlags, KeySpec,
    KeyStore, MS_DEF_PROV, MS_ENH_RSA_AES_PROV, MS_ENHANCED_PROV, MS_STRONG_PROV, Provider,
    ProviderType,
};
use serde_json::Value;

const KAT_JSON: &str = include_str!("data/windows-kat.json");

/// The ops this harness runs, one test each; [`every_op_in_the_data_is_known`] makes sure no
/// other op appears unnoticed.
const HARNESSED_OPS: [&str; 11] = [
    "hash",
    "hmac",
    "mac",
    "derive_key",
    "encrypt",
    "decrypt",
    "import_key",
    "export_key",
    "sign",
    "verify",
    "other",
];

/// The SHA-2 hashes: `PROV_RSA_AES` only; `PROV_RSA_FULL` providers refuse them with
/// `NTE_BAD_ALGID` (`CryptCreateHash`).
const SHA2_IDS: [u32; 3] = [0x800c, 0x800d, 0x800e];
const NTE_BAD_KEY: u32 = 0x8009_0003;
const NTE_BAD_SIGNATURE: u32 = 0x8009_0006;
const NTE_BAD_ALGID: u32 = 0x8009_0008;
const NTE_NO_KEY: u32 = 0x8009_000D;
/// `CALG_RSA_KEYX`, the wrapping algorithm named in a `SIMPLEBLOB`.
const CALG_RSA_KEYX: u32 = 0xa400;
/// The modulus length of the exchange pairs the harness generates to wrap `SIMPLEBLOB` keys.
const EXCHANGE_BITS: u16 = 512;

// ---------------------------------------------------------------------------------------------
// Failures
// ---------------------------------------------------------------------------------------------

/// Why one check of one vector failed on one provider.
enum Fail {
    /// A CryptoAPI call returned an error.
    Api {
        call: String,
        code: u32,
        name: &'static str,
    },
    /// Anything else, already worded.
    Msg(String),
}

type R<T> = Result<T, Fail>;

impl From<String> for Fail {
    fn from(msg: String) -> Self {
        Fail::Msg(msg)
    }
}

impl From<&str> for Fail {
    fn from(msg: &str) -> Self {
        Fail::Msg(msg.to_owned())
    }
}

impl Fail {
    /// An API error worded on its own, for checks whose result is not `expected`.
    fn plain(self) -> Fail {
        match self {
            Fail::Api { call, code, name } => {
                Fail::Msg(format!("{call} failed: error {code:#010x} ({name})"))
            }
            msg @ Fail::Msg(_) => msg,
        }
    }

    /// The failure as reported: API errors read "expected <hex> got error <code>".
    fn render(&self, expected: &[u8]) -> String {
        match self {
            Fail::Api { call, code, name } if expected.is_empty() => {
                format!("{call} failed: error {code:#010x} ({name})")
            }
            Fail::Api { call, code, name } => {
                format!(
                    "expected {} got error {code:#010x} ({name}) from {call}",
                    hex(expected)
                )
            }
            Fail::Msg(msg) => msg.clone(),
        }
    }
}

/// `.ctx("CryptDeriveKey")?`: a crate error as a [`Fail::Api`] naming the call.
trait Ctx<T> {
    fn ctx(self, call: &str) -> R<T>;
}

impl<T> Ctx<T> for cryptoapi::Result<T> {
    fn ctx(self, call: &str) -> R<T> {
        self.map_err(|e| Fail::Api {
            call: call.to_owned(),
            code: e.code(),
            name: e.windows_name().unwrap_or("unknown code"),
        })
    }
}

fn error_text(e: &cryptoapi::Error) -> String {
    format!(
        "{:#010x} ({})",
        e.code(),
        e.windows_name().unwrap_or("unknown code")
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

fn unhex(text: &str) -> R<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return Err(format!("bad hex {text:?}").into());
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(&text[i..i + 2], 16).map_err(|_| format!("bad hex {text:?}").into())
        })
        .collect()
}

fn mismatch(what: &str, expected: &[u8], got: &[u8]) -> Fail {
    let prefix = if what.is_empty() {
        String::new()
    } else {
        format!("{what}: ")
    };
    Fail::Msg(format!(
        "{prefix}expected {} got {}",
        hex(expected),
        hex(got)
    ))
}

// ---------------------------------------------------------------------------------------------
// JSON access
// ---------------------------------------------------------------------------------------------

fn field<'a>(v: &'a Value, name: &str) -> R<&'a Value> {
    v.get(name)
        .ok_or_else(|| format!("missing field {name:?}").into())
}

fn opt<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.get(name)
}

fn as_u64(v: &Value, what: &str) -> R<u64> {
    v.as_u64()
        .ok_or_else(|| format!("{what} is not an unsigned integer: {v}").into())
}

fn as_usize(v: &Value, what: &str) -> R<usize> {
    usize::try_from(as_u64(v, what)?).map_err(|_| format!("{what} too large").into())
}

fn as_u32(v: &Value, what: &str) -> R<u32> {
    u32::try_from(as_u64(v, what)?).map_err(|_| format!("{what} does not fit 32 bits").into())
}

fn as_str<'a>(v: &'a Value, what: &str) -> R<&'a str> {
    v.as_str()
        .ok_or_else(|| format!("{what} is not a string: {v}").into())
}

fn as_bool(v: &Value, what: &str) -> R<bool> {
    v.as_bool()
        .ok_or_else(|| format!("{what} is not a boolean: {v}").into())
}

fn u32_field(v: &Value, name: &str) -> R<u32> {
    as_u32(field(v, name)?, name)
}

fn usize_field(v: &Value, name: &str) -> R<usize> {
    as_usize(field(v, name)?, name)
}

fn str_field<'a>(v: &'a Value, name: &str) -> R<&'a str> {
    as_str(field(v, name)?, name)
}

fn bool_field(v: &Value, name: &str) -> R<bool> {
    as_bool(field(v, name)?, name)
}

/// An algorithm object `{name, id, id_hex}`: the id, checked against `id_hex`.
fn alg_field(v: &Value, name: &str) -> R<AlgId> {
    let alg = field(v, name)?;
    let id = u32_field(alg, "id")?;
    if let Some(id_hex) = opt(alg, "id_hex") {
        let text = as_str(id_hex, "id_hex")?;
        let parsed = u32::from_str_radix(text.trim_start_matches("0x"), 16)
            .map_err(|_| format!("{name}.id_hex {text:?} is not hex"))?;
        if parsed != id {
            return Err(format!("{name}: id {id:#x} and id_hex {text} disagree").into());
        }
    }
    Ok(AlgId::from_raw(id))
}

/// Raw `dwFlags`, checked against `flags_hex` when given.
fn flags_field(v: &Value) -> R<u32> {
    let flags = u32_field(v, "flags")?;
    if let Some(flags_hex) = opt(v, "flags_hex") {
        let text = as_str(flags_hex, "flags_hex")?;
        let parsed = u32::from_str_radix(text.trim_start_matches("0x"), 16)
            .map_err(|_| format!("flags_hex {text:?} is not hex"))?;
        if parsed != flags {
            return Err(format!("flags {flags:#x} and flags_hex {text} disagree").into());
        }
    }
    Ok(flags)
}

// ---------------------------------------------------------------------------------------------
// Data specs
// ---------------------------------------------------------------------------------------------

/// A data spec: `hex`, `ascii` (+ `includes_trailing_nul`), `repeat {byte, length}`,
/// `counter {start, length}` (byte i = (start + i) & 0xff) or `concat [spec, ...]`. When a spec
/// gives several forms (say `repeat` and `hex`), they must agree; `length`, when given, must be
/// the length. `formula` and `what` are prose.
fn parse_data(spec: &Value) -> R<Vec<u8>> {
    if !spec.is_object() {
        return Err(format!("data spec is not an object: {spec}").into());
    }
    let mut forms: Vec<(&str, Vec<u8>)> = Vec::new();
    if let Some(h) = opt(spec, "hex") {
        forms.push(("hex", unhex(as_str(h, "hex")?)?));
    }
    if let Some(a) = opt(spec, "ascii") {
        let mut bytes = as_str(a, "ascii")?.as_bytes().to_vec();
        if bool_field(spec, "includes_trailing_nul")? {
            bytes.push(0);
        }
        forms.push(("ascii", bytes));
    } else if opt(spec, "includes_trailing_nul").is_some() {
        return Err("includes_trailing_nul without ascii".into());
    }
    if let Some(r) = opt(spec, "repeat") {
        let byte = match field(r, "byte")? {
            Value::String(s) => {
                let b = unhex(s)?;
                if b.len() != 1 {
                    return Err(format!("repeat.byte {s:?} is not one byte").into());
                }
                b[0]
            }
            other => u8::try_from(as_u64(other, "repeat.byte")?)
                .map_err(|_| format!("repeat.byte {other} is not a byte"))?,
        };
        forms.push(("repeat", vec![byte; usize_field(r, "length")?]));
    }
    if let Some(c) = opt(spec, "counter") {
        let start = as_u64(field(c, "start")?, "counter.start")?;
        let len = usize_field(c, "length")?;
        forms.push((
            "counter",
            (0..len as u64)
                .map(|i| ((start + i) & 0xff) as u8)
                .collect(),
        ));
    }
    if let Some(parts) = opt(spec, "concat") {
        let parts = parts.as_array().ok_or("concat is not an array")?;
        let mut bytes = Vec::new();
        for part in parts {
            bytes.extend(parse_data(part)?);
        }
        forms.push(("concat", bytes));
    }
    let Some((first_name, first)) = forms.first() else {
        return Err(format!("data spec gives no bytes: {spec}").into());
    };
    for (name, bytes) in &forms[1..] {
        if bytes != first {
            return Err(format!(
                "data spec forms disagree: {first_name} = {} but {name} = {}",
                hex(first),
                hex(bytes)
            )
            .into());
        }
    }
    if let Some(len) = opt(spec, "length") {
        let len = as_usize(len, "data.length")?;
        if len != first.len() {
            return Err(format!("data.length {len} but the data has {} bytes", first.len()).into());
        }
    }
    Ok(first.clone())
}

// ---------------------------------------------------------------------------------------------
// Allow-lists of `params` paths
// ---------------------------------------------------------------------------------------------

/// Leaf paths of a JSON value: `a.b`, arrays as `a[]` (`a[].b` for arrays of objects).
fn leaf_paths(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    let join = |k: &str| {
        if prefix.is_empty() {
            k.to_owned()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match v {
        Value::Object(map) if !map.is_empty() => {
            for (k, child) in map {
                leaf_paths(child, &join(k), out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                leaf_paths(item, &format!("{prefix}[]"), out);
            }
        }
        _ => {
            out.insert(prefix.to_owned());
        }
    }
}

/// The paths a data spec at `prefix` may use (see [`parse_data`]).
fn data_paths(prefix: &str, out: &mut Vec<String>) {
    for p in [prefix.to_owned(), format!("{prefix}.concat[]")] {
        for leaf in [
            "hex",
            "ascii",
            "includes_trailing_nul",
            "repeat.byte",
            "repeat.length",
            "counter.start",
            "counter.length",
            "length",
            // Informational prose, not interpreted.
            "formula",
            "what",
        ] {
            out.push(format!("{p}.{leaf}"));
        }
    }
}

/// An algorithm object: `id` is used, `id_hex` is checked against it, `name` is informational.
fn alg_paths(prefix: &str, out: &mut Vec<String>) {
    for leaf in ["id", "id_hex", /* informational: */ "name"] {
        out.push(format!("{prefix}.{leaf}"));
    }
}

/// The key recipe shared by every op (see [`build_key`]).
fn key_paths(out: &mut Vec<String>) {
    // CryptDeriveKey.
    out.push("key.derive.method".into()); // checked: "CryptDeriveKey"
    alg_paths("key.derive.hash_alg", out);
    data_paths("key.derive.hash_input", out);
    alg_paths("key.derive.key_alg", out);
    out.push("key.derive.flags".into());
    out.push("key.derive.flags_hex".into()); // checked against flags
    out.push("key.derive.flags_text".into()); // informational
    // CryptImportKey.
    for leaf in [
        "blob_type",
        "blob_hex",
        "key_len",
        "key_hex",
        "key_plain_hex",
        "flags",
        "flags_hex",
    ] {
        out.push(format!("key.import.{leaf}"));
    }
    alg_paths("key.import.aiKeyAlg", out);
    out.push("key.import.how".into()); // checked: how a SIMPLEBLOB was wrapped
    for leaf in ["blob_name", "flags_text"] {
        out.push(format!("key.import.{leaf}")); // informational
    }
    // Expectations and CryptSetKeyParam.
    for leaf in [
        "key_bits",
        "KP_KEYLEN",
        "effective_key_bits",
        "salt",
        "set_key_param.KP_EFFECTIVE_KEYLEN (19)",
        "set_key_param.result",
    ] {
        out.push(format!("key.{leaf}"));
    }
}

/// Every `params` path an op's interpreter understands.
fn allowed_param_paths(op: &str) -> BTreeSet<String> {
    let mut out = Vec::new();
    match op {
        "hash" => {
            alg_paths("alg", &mut out);
            data_paths("data", &mut out);
            out.push("data_note".into()); // informational
            out.push("hash_data_flags".into());
            for leaf in ["on", "offset", "length", "flags"] {
                out.push(format!("updates[].{leaf}"));
            }
        }
        "hmac" => {
            key_paths(&mut out);
            alg_paths("hash_alg", &mut out);
            for leaf in [
                "HashAlgid",
                "inner",
                "outer",
                "pbInnerString",
                "cbInnerString",
                "pbOuterString",
                "cbOuterString",
            ] {
                out.push(format!("hmac_info.{leaf}"));
            }
            data_paths("data", &mut out);
        }
        "mac" => {
            key_paths(&mut out);
            alg_paths("mac_alg", &mut out);
            out.push("iv_hex".into());
            data_paths("data", &mut out);
            out.push("hash_data_calls[].offset".into());
            out.push("hash_data_calls[].length".into());
            out.push("key_state_history[]".into());
        }
        "encrypt" | "derive_key" | "decrypt" => {
            key_paths(&mut out);
            out.push("mode".into());
            out.push("iv_hex".into());
            data_paths("data", &mut out);
            for leaf in ["data_len", "final", "buffer_len"] {
                out.push(leaf.into());
                out.push(format!("calls[].{leaf}"));
            }
            out.push("calls[].offset".into());
        }
        "export_key" => {
            key_paths(&mut out);
            for leaf in ["export_blob_type", "hExpKey", "flags"] {
                out.push(leaf.into());
            }
        }
        "verify" => {
            key_paths(&mut out);
            alg_paths("hash_alg", &mut out);
            data_paths("data", &mut out);
            for leaf in ["signature_hex", "signature_len", "verify_flags"] {
                out.push(leaf.into());
            }
            out.push("description".into()); // informational
        }
        "sign" => {
            key_paths(&mut out);
            alg_paths("hash_alg", &mut out);
            let value = "hash_value_set_via_HP_HASHVAL";
            out.push(format!("{value}.concat_of[]"));
            out.push(format!("{value}.length"));
            data_paths(&format!("{value}.data"), &mut out);
            out.push("key_spec".into());
            out.push("sign_flags".into());
            out.push("description".into()); // informational
        }
        "import_key" => {
            for leaf in ["blob_type", "blob_hex", "flags"] {
                out.push(format!("unwrap_key.import.{leaf}"));
            }
            out.push("unwrap_key.import.blob_name".into()); // informational
            for leaf in ["blob_type", "blob_hex", "import_len", "flags"] {
                out.push(format!("blob.{leaf}"));
            }
            out.push("blob.blob_name".into()); // informational
            alg_paths("blob.aiKeyAlg", &mut out);
            out.push("then.call".into());
            out.push("then.final".into());
            out.push("then.data_len".into());
            data_paths("then.data", &mut out);
            for blob in ["private_blob", "public_blob"] {
                out.push(format!("{blob}.blob_type"));
                out.push(format!("{blob}.blob_hex"));
            }
        }
        "other" => {
            out.push("kind".into()); // selects the check
            alg_paths("CryptGenKey.alg", &mut out);
            out.push("CryptGenKey.flags".into());
            out.push("CryptGenKey.flags_hex".into()); // checked against flags
            out.push("CryptGenKey.flags_text".into()); // informational
            out.push("then".into()); // checked: the steps after CryptGenKey
        }
        _ => {}
    }
    out.into_iter().collect()
}

/// Top-level fields of an entry (the README's list).
const ENTRY_FIELDS: [&str; 12] = [
    "id",
    "source",
    "op",
    "provider_type",
    "providers",
    "params",
    "expected",
    "also_accepted",
    "notes",
    "verified",
    "verified_reason",
    "verifier_intermediates",
];

/// Fields the entry has that nobody reads: each is a failure.
fn unconsumed_fields(entry: &Value, op: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(map) = entry.as_object() {
        for k in map.keys() {
            if !ENTRY_FIELDS.contains(&k.as_str()) {
                out.push(format!("unconsumed field {k}"));
            }
        }
    }
    if let Some(list) = entry.get("also_accepted").and_then(Value::as_array) {
        for item in list {
            for k in item
                .as_object()
                .map(|m| m.keys().collect::<Vec<_>>())
                .unwrap_or_default()
            {
                if !["hex", "when", "verified"].contains(&k.as_str()) {
                    out.push(format!("unconsumed field also_accepted[].{k}"));
                }
            }
        }
    }
    let allowed = allowed_param_paths(op);
    let mut present = BTreeSet::new();
    if let Some(params) = entry.get("params") {
        leaf_paths(params, "", &mut present);
    }
    for path in present {
        if !allowed.contains(&path) {
            out.push(format!("unconsumed field params.{path}"));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Providers
// ---------------------------------------------------------------------------------------------

/// One provider an entry lists: how to acquire it, and the name to report.
struct ProvSpec {
    label: &'static str,
    name: Option<&'static str>,
    ty: ProviderType,
    /// The full provider name the entry quotes, if any, checked against `PP_NAME`.
    quoted: Option<String>,
}

fn parse_provider(text: &str) -> R<ProvSpec> {
    let (label, name, ty) = if text.starts_with("MS_ENHANCED_PROV") {
        (
            "MS_ENHANCED_PROV",
            Some(MS_ENHANCED_PROV),
            ProviderType::RSA_FULL,
        )
    } else if text.starts_with("MS_DEF_PROV") {
        ("MS_DEF_PROV", Some(MS_DEF_PROV), ProviderType::RSA_FULL)
    } else if text.starts_with("MS_STRONG_PROV") {
        (
            "MS_STRONG_PROV",
            Some(MS_STRONG_PROV),
            ProviderType::RSA_FULL,
        )
    } else if text.starts_with("NULL name = default PROV_RSA_AES provider") {
        ("NULL/PROV_RSA_AES", None, ProviderType::RSA_AES)
    } else if text.starts_with("default PROV_RSA_FULL provider (NULL name)") {
        ("NULL/PROV_RSA_FULL", None, ProviderType::RSA_FULL)
    } else {
        return Err(format!("unknown provider {text:?}").into());
    };
    let quoted = text
        .split('"')
        .nth(1)
        .filter(|q| q.contains("Provider"))
        .map(str::to_owned);
    Ok(ProvSpec {
        label,
        name,
        ty,
        quoted,
    })
}

/// The in-memory store every provider is acquired from.
fn store() -> &'static KeyStore {
    static STORE: OnceLock<KeyStore> = OnceLock::new();
    STORE.get_or_init(|| KeyStore::in_memory().unwrap())
}

fn acquire(spec: &ProvSpec) -> R<Provider> {
    let prov = store()
        .acquire(None, spec.name, spec.ty, AcquireFlags::VERIFYCONTEXT)
        .ctx("CryptAcquireContext(CRYPT_VERIFYCONTEXT)")?;
    if let Some(quoted) = &spec.quoted
        && prov.name() != quoted
    {
        return Err(format!(
            "provider name: the entry says {quoted:?}, PP_NAME is {:?}",
            prov.name()
        )
        .into());
    }
    if spec.name.is_none() && spec.ty == ProviderType::RSA_AES && prov.name() != MS_ENH_RSA_AES_PROV
    {
        return Err(format!("default PROV_RSA_AES provider is {:?}", prov.name()).into());
    }
    Ok(prov)
}

/// The hash algorithms an entry's params use.
fn hash_algs_used(params: &Value) -> Vec<u32> {
    let mut out = Vec::new();
    for path in [
        &["alg", "id"][..],
        &["hash_alg", "id"],
        &["key", "derive", "hash_alg", "id"],
    ] {
        let mut v = Some(params);
        for p in path {
            v = v.and_then(|v| v.get(*p));
        }
        if let Some(id) = v
            .and_then(Value::as_u64)
            .and_then(|id| u32::try_from(id).ok())
        {
            out.push(id);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------

/// The `other` kinds the harness knows how to check (see [`run_other`]).
const OTHER_KINDS: [&str; 1] = ["RC4 salt-length behaviour"];

/// Why an entry is not run, decided from its structure: an `other` entry of a kind the harness
/// does not know how to check through the API.
fn skip_reason(op: &str, params: &Value) -> Option<String> {
    if op != "other" {
        return None;
    }
    let kind = params.get("kind").and_then(Value::as_str).unwrap_or("");
    if OTHER_KINDS.iter().any(|k| kind.starts_with(k)) {
        None
    } else {
        Some(format!(
            "behavioural check of kind {kind:?}: no interpreter for it in this harness"
        ))
    }
}

/// What building a key left behind for later checks.
struct KeyInfo {
    /// The value of the base hash of a derived key.
    base_hash: Option<Vec<u8>>,
}

/// Whether a reported key length matches the vector's. The vectors give DES and triple-DES
/// lengths as their nominal bits (56, 112, 168) where `cryptoapi` reports the stored bits
/// (64, 128, 192, parity bits included); either is accepted for those algorithms only.
fn key_bits_match(alg: AlgId, expected: u32, got: u32) -> bool {
    got == expected
        || matches!(
            (alg, expected, got),
            (AlgId::DES, 56, 64)
                | (AlgId::TRIPLE_DES_112, 112, 128)
                | (AlgId::TRIPLE_DES, 168, 192)
        )
}

/// Makes the entry's key (`key.derive` or `key.import`), applies `key.set_key_param` and checks
/// the `key.*` expectations.
///
/// A key that does not meet an expectation (`key_bits`, `effective_key_bits`, `salt`, the
/// result of `set_key_param`) is still returned, with the mismatch pushed to `soft`, so that the
/// ciphertext is compared too.
fn build_key<'p>(
    prov: &'p Provider,
    v: &Vector<'_>,
    soft: &mut Vec<Fail>,
) -> R<(Key<'p>, KeyInfo)> {
    let spec = field(v.params, "key")?;
    let (mut key, info) = if let Some(derive) = opt(spec, "derive") {
        let method = str_field(derive, "method")?;
        if method != "CryptDeriveKey" {
            return Err(format!("key.derive.method {method:?} is not CryptDeriveKey").into());
        }
        let hash_alg = alg_field(derive, "hash_alg")?;
        let key_alg = alg_field(derive, "key_alg")?;
        let flags = flags_field(derive)?;
        let input = parse_data(field(derive, "hash_input")?)?;
        let mut hash = prov
            .create_hash(hash_alg, None)
            .ctx("CryptCreateHash (base hash)")?;
        hash.hash_data(&input).ctx("CryptHashData (base hash)")?;
        let key = prov
            .derive_key(key_alg, &mut hash, KeyFlags::from_bits_retain(flags))
            .ctx("CryptDeriveKey")?;
        let base = hash
            .value()
            .ctx("CryptGetHashParam(HP_HASHVAL) of the base hash")?;
        if key.alg_id() != key_alg {
            return Err(format!("KP_ALGID: expected {key_alg:?} got {:?}", key.alg_id()).into());
        }
        (
            key,
            KeyInfo {
                base_hash: Some(base),
            },
        )
    } else if let Some(import) = opt(spec, "import") {
        let blob_type = str_field(import, "blob_type")?;
        let key = if blob_type.starts_with("PLAINTEXTKEYBLOB") {
            plaintext_key(prov, import, soft)?
        } else if blob_type.starts_with("SIMPLEBLOB") {
            simple_blob_key(prov, import, v.notes, soft)?
        } else if blob_type.starts_with("PUBLICKEYBLOB") || blob_type.starts_with("PRIVATEKEYBLOB")
        {
            rsa_blob_key(prov, import)?
        } else {
            return Err(format!(
                "key.import.blob_type {blob_type:?} is not supported by the harness"
            )
            .into());
        };
        (key, KeyInfo { base_hash: None })
    } else {
        return Err("key is neither derive nor import".into());
    };

    if let Some(set) = opt(spec, "set_key_param") {
        let bits = as_u32(
            field(set, "KP_EFFECTIVE_KEYLEN (19)")?,
            "KP_EFFECTIVE_KEYLEN",
        )?;
        let result = key.set_effective_key_bits(bits);
        match opt(set, "result")
            .map(|r| as_str(r, "set_key_param.result"))
            .transpose()?
        {
            None => result.ctx("CryptSetKeyParam(KP_EFFECTIVE_KEYLEN)")?,
            Some(prose) => {
                let want = prose
                    .strip_prefix("fails with ")
                    .and_then(|rest| {
                        rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                            .next()
                    })
                    .ok_or_else(|| format!("set_key_param.result {prose:?} not understood"))?;
                match result {
                    Ok(()) => soft.push(
                        format!("CryptSetKeyParam(KP_EFFECTIVE_KEYLEN, {bits}): expected {want} got success").into(),
                    ),
                    Err(e) if e.windows_name() == Some(want) => {}
                    Err(e) => soft.push(
                        format!("CryptSetKeyParam(KP_EFFECTIVE_KEYLEN, {bits}): expected {want} got {}", error_text(&e))
                            .into(),
                    ),
                }
            }
        }
    }

    for name in ["key_bits", "KP_KEYLEN"] {
        if let Some(v) = opt(spec, name) {
            let bits = as_u32(v, name)?;
            if !key_bits_match(key.alg_id(), bits, key.key_bits()) {
                soft.push(
                    format!("KP_KEYLEN: expected {bits} ({name}) got {}", key.key_bits()).into(),
                );
            }
        }
    }
    match opt(spec, "effective_key_bits") {
        None => {}
        Some(Value::Number(n)) => {
            let bits = as_u32(&Value::Number(n.clone()), "effective_key_bits")?;
            if key.effective_key_bits() != bits {
                soft.push(
                    format!(
                        "KP_EFFECTIVE_KEYLEN: expected {bits} got {}",
                        key.effective_key_bits()
                    )
                    .into(),
                );
            }
        }
        // "default (see notes)": the vector does not pin the value; its ciphertext does.
        Some(Value::String(s)) if s.starts_with("default") => {}
        Some(other) => return Err(format!("effective_key_bits {other} not understood").into()),
    }
    if let Some(salt) = opt(spec, "salt")
        && let Err(f) = check_salt(as_str(salt, "salt")?, &key, info.base_hash.as_deref())
    {
        soft.push(f);
    }
    Ok((key, info))
}

/// `key.import` of a `PLAINTEXTKEYBLOB`: the blob as given, checked against `aiKeyAlg`,
/// `key_len` and `key_hex`.
fn plaintext_key<'p>(prov: &'p Provider, import: &Value, soft: &mut Vec<Fail>) -> R<Key<'p>> {
    let blob = unhex(str_field(import, "blob_hex")?)?;
    if blob.len() < 12 || blob[0] != 8 {
        return Err(format!("blob_hex is not a PLAINTEXTKEYBLOB: {}", hex(&blob)).into());
    }
    let header_alg = u32::from_le_bytes([blob[4], blob[5], blob[6], blob[7]]);
    let len = u32::from_le_bytes([blob[8], blob[9], blob[10], blob[11]]) as usize;
    let body = &blob[12..];
    if opt(import, "aiKeyAlg").is_some() {
        let alg = alg_field(import, "aiKeyAlg")?;
        if alg.raw() != header_alg {
            return Err(
                format!("aiKeyAlg {alg:?} but the blob header says {header_alg:#x}").into(),
            );
        }
    }
    if let Some(key_len) = opt(import, "key_len")
        && as_usize(key_len, "key_len")? != len
    {
        return Err(format!("key_len {key_len} but the blob's length field says {len}").into());
    }
    if let Some(key_hex) = opt(import, "key_hex") {
        let key_bytes = unhex(as_str(key_hex, "key_hex")?)?;
        if body.get(..len) != Some(&key_bytes[..]) {
            return Err(format!("key_hex {} is not the blob's key", hex(&key_bytes)).into());
        }
    }
    let flags = match opt(import, "flags") {
        Some(_) => flags_field(import)?,
        None => 0,
    };
    let key = prov
        .import_key(&blob, None, KeyFlags::from_bits_retain(flags))
        .ctx("CryptImportKey(PLAINTEXTKEYBLOB)")?;
    if let Some(key_len) = opt(import, "key_len") {
        let bits = as_u32(key_len, "key_len")? * 8;
        if !key_bits_match(key.alg_id(), bits, key.key_bits()) {
            soft.push(
                format!(
                    "KP_KEYLEN: expected {bits} (key_len) got {}",
                    key.key_bits()
                )
                .into(),
            );
        }
    }
    Ok(key)
}

/// The optional raw `flags` of an import (0 when absent), checked against `flags_hex`.
fn import_flags(import: &Value) -> R<KeyFlags> {
    Ok(KeyFlags::from_bits_retain(match opt(import, "flags") {
        Some(_) => flags_field(import)?,
        None => 0,
    }))
}

/// A `BLOBHEADER`: type, `CUR_BLOB_VERSION`, reserved 0, `aiKeyAlg`.
fn blob_header(blob_type: BlobType, alg: AlgId) -> Vec<u8> {
    let mut out = vec![blob_type.raw() as u8, 2, 0, 0];
    out.extend_from_slice(&alg.raw().to_le_bytes());
    out
}

/// A `PLAINTEXTKEYBLOB` of `key`.
fn plaintext_blob(alg: AlgId, key: &[u8]) -> Vec<u8> {
    let mut out = blob_header(BlobType::PlaintextKeyBlob, alg);
    out.extend_from_slice(&u32::try_from(key.len()).unwrap().to_le_bytes());
    out.extend_from_slice(key);
    out
}

/// A `SIMPLEBLOB`: `aiKeyAlg` of the session key, then `CALG_RSA_KEYX` and the wrapped key.
fn simple_blob(alg: AlgId, wrapped_le: &[u8]) -> Vec<u8> {
    let mut out = blob_header(BlobType::SimpleBlob, alg);
    out.extend_from_slice(&CALG_RSA_KEYX.to_le_bytes());
    out.extend_from_slice(wrapped_le);
    out
}

/// The context's exchange pair (`CryptGetUserKey(AT_KEYEXCHANGE)`), generated (512 bits,
/// `CryptGenKey(AT_KEYEXCHANGE)`) when the context has none yet, as the Windows test's
/// container had one.
fn exchange_pair(prov: &Provider) -> R<Key<'_>> {
    match prov.user_key(KeySpec::Exchange) {
        Ok(key) => Ok(key),
        Err(e) if e.code() == NTE_NO_KEY => prov
            .gen_key(
                AlgId::from_raw(KeySpec::Exchange.raw()),
                KeyFlags::empty().with_key_bits(EXCHANGE_BITS),
            )
            .ctx("CryptGenKey(AT_KEYEXCHANGE)"),
        Err(e) => Err(e).ctx("CryptGetUserKey(AT_KEYEXCHANGE)"),
    }
}

/// The error code of a result that must fail, or a description of its success.
fn refused<T>(result: cryptoapi::Result<T>) -> Result<u32, String> {
    match result {
        Ok(_) => Err("success".to_owned()),
        Err(e) => Ok(e.code()),
    }
}

/// `key.import` of a `SIMPLEBLOB` that Windows made at test time: `key_plain_hex` wrapped, as
/// `how` says, with the container's exchange key. The harness wraps the same bytes with the
/// context's exchange pair ([`exchange_pair`]) and imports the blob with it.
///
/// What the notes say about such a key is checked too (failures are soft, so that the vector
/// still runs): the same bytes as a `PLAINTEXTKEYBLOB` are refused, encrypting with the key fails
/// with `NTE_BAD_KEY` without touching the data, and `CryptGenKey` on `PROV_RSA_AES` takes the
/// longest allowed length but not the vector's.
fn simple_blob_key<'p>(
    prov: &'p Provider,
    import: &Value,
    notes: &str,
    soft: &mut Vec<Fail>,
) -> R<Key<'p>> {
    let alg = alg_field(import, "aiKeyAlg")?;
    let plain = unhex(str_field(import, "key_plain_hex")?)?;
    if let Some(key_len) = opt(import, "key_len")
        && as_usize(key_len, "key_len")? != plain.len()
    {
        return Err(format!(
            "key_len {key_len} but key_plain_hex has {} bytes",
            plain.len()
        )
        .into());
    }
    let how = str_field(import, "how")?;
    let oaep = if how.contains("PKCS#1 v1.5") {
        false
    } else if how.contains("OAEP") {
        true
    } else {
        return Err(format!("key.import.how {how:?}: padding not understood").into());
    };
    if !(how.contains("AT_KEYEXCHANGE") && how.contains("CALG_RSA_KEYX")) {
        return Err(format!("key.import.how {how:?}: wrapping key not understood").into());
    }
    let flags = import_flags(import)?;
    let crypt_flags = if oaep { CRYPT_OAEP } else { 0 };
    let mut exchange = exchange_pair(prov)?;
    let mut wrapped = plain.clone();
    exchange
        .encrypt_with(None, true, crypt_flags, &mut wrapped)
        .ctx("CryptEncrypt (AT_KEYEXCHANGE) of the session key")?;
    let modulus_len = (exchange.block_bits() / 8) as usize;
    if wrapped.len() != modulus_len {
        return Err(format!(
            "RSA CryptEncrypt gave {} bytes for a {modulus_len}-byte modulus",
            wrapped.len()
        )
        .into());
    }

    if notes.contains("Importing the same key as PLAINTEXTKEYBLOB") {
        let result = prov.import_key(&plaintext_blob(alg, &plain), None, flags);
        if result.is_ok() {
            soft.push(
                format!(
                    "CryptImportKey(PLAINTEXTKEYBLOB) of the {}-byte key: expected failure (notes) got success",
                    plain.len()
                )
                .into(),
            );
        }
    }

    let import_flags = if oaep {
        flags | KeyFlags::from_bits_retain(CRYPT_OAEP)
    } else {
        flags
    };
    let mut key = prov
        .import_key(&simple_blob(alg, &wrapped), Some(&exchange), import_flags)
        .ctx("CryptImportKey(SIMPLEBLOB)")?;
    if key.alg_id() != alg {
        return Err(format!("KP_ALGID: expected {alg:?} got {:?}", key.alg_id()).into());
    }

    if notes.contains("Encryption with this key fails (NTE_BAD_KEY") {
        for final_block in [false, true] {
            let original = vec![0xcc; 8];
            let mut data = original.clone();
            let what = format!("CryptEncrypt(final={final_block}) with the SIMPLEBLOB key");
            match refused(key.encrypt(&mut data, final_block)) {
                Ok(NTE_BAD_KEY) if data == original => {}
                Ok(NTE_BAD_KEY) => soft.push(mismatch(
                    &format!("{what} changed the data"),
                    &original,
                    &data,
                )),
                Ok(code) => {
                    soft.push(format!("{what}: expected NTE_BAD_KEY got {code:#010x}").into())
                }
                Err(ok) => soft.push(format!("{what}: expected NTE_BAD_KEY got {ok}").into()),
            }
        }
    }

    if let Some(rest) = notes.split_once("CryptGenKey(").map(|(_, rest)| rest)
        && let Some((longest, refused_len)) = parse_gen_key_limits(rest, alg)
    {
        record(soft, || {
            let aes = store()
                .acquire(
                    None,
                    None,
                    ProviderType::RSA_AES,
                    AcquireFlags::VERIFYCONTEXT,
                )
                .ctx("CryptAcquireContext(PROV_RSA_AES, CRYPT_VERIFYCONTEXT)")?;
            aes.gen_key(alg, KeyFlags::empty().with_key_bits(longest))
                .ctx(&format!(
                    "CryptGenKey({alg:?}, {longest} << 16) on PROV_RSA_AES"
                ))?;
            match refused(aes.gen_key(alg, KeyFlags::empty().with_key_bits(refused_len))) {
                Ok(_) => Ok(()),
                Err(ok) => Err(format!(
                    "CryptGenKey({alg:?}, {refused_len} << 16) on PROV_RSA_AES: expected failure got {ok}"
                )
                .into()),
            }
        });
    }
    Ok(key)
}

/// `CryptGenKey(CALG_RC2, 128<<16) works on PROV_RSA_AES but (136<<16) fails`: the two lengths.
fn parse_gen_key_limits(text: &str, alg: AlgId) -> Option<(u16, u16)> {
    let (works, rest) = text.split_once("<<16) works on PROV_RSA_AES but (")?;
    let (name, longest) = works.split_once(", ")?;
    if name != format!("{alg:?}") {
        return None;
    }
    let longest = longest.trim().parse().ok()?;
    let (fails, _) = rest.split_once("<<16) fails")?;
    Some((longest, fails.trim().parse().ok()?))
}

/// `key.import` of a `PUBLICKEYBLOB` or `PRIVATEKEYBLOB` given as bytes (a private blob goes to
/// the slot its `ALG_ID` names).
fn rsa_blob_key<'p>(prov: &'p Provider, import: &Value) -> R<Key<'p>> {
    let blob_type = str_field(import, "blob_type")?;
    let blob = blob_bytes(import)?;
    let call = format!(
        "CryptImportKey({})",
        blob_type.split(' ').next().unwrap_or(blob_type)
    );
    prov.import_key(&blob, None, import_flags(import)?)
        .ctx(&call)
}

/// `blob_hex` of a blob object, checked against its `blob_type` (`bType` of the header) and,
/// when given, its `aiKeyAlg`.
fn blob_bytes(spec: &Value) -> R<Vec<u8>> {
    let blob_type = str_field(spec, "blob_type")?;
    let blob = unhex(str_field(spec, "blob_hex")?)?;
    let want = [
        ("SIMPLEBLOB", BlobType::SimpleBlob),
        ("PUBLICKEYBLOB", BlobType::PublicKeyBlob),
        ("PRIVATEKEYBLOB", BlobType::PrivateKeyBlob),
        ("PLAINTEXTKEYBLOB", BlobType::PlaintextKeyBlob),
    ]
    .into_iter()
    .find(|(name, _)| blob_type.starts_with(name))
    .ok_or_else(|| format!("blob_type {blob_type:?} not understood"))?
    .1;
    if blob.len() < 8 || u32::from(blob[0]) != want.raw() {
        return Err(format!("blob_hex is not a {blob_type}: {}", hex(&blob)).into());
    }
    if opt(spec, "aiKeyAlg").is_some() {
        let alg = alg_field(spec, "aiKeyAlg")?;
        let header = u32::from_le_bytes([blob[4], blob[5], blob[6], blob[7]]);
        if alg.raw() != header {
            return Err(format!("aiKeyAlg {alg:?} but the blob header says {header:#x}").into());
        }
    }
    Ok(blob)
}

/// `key.salt` is prose: "none..." (no salt), "N zero bytes...", or "N bytes taken from the hash
/// value right after the key bytes..." (CRYPT_CREATE_SALT on the Base and Strong providers).
fn check_salt(prose: &str, key: &Key<'_>, base_hash: Option<&[u8]>) -> R<()> {
    let got = key.salt();
    let expected = if prose.starts_with("none") {
        Vec::new()
    } else {
        let digits: String = prose.chars().take_while(char::is_ascii_digit).collect();
        let n: usize = digits
            .parse()
            .map_err(|_| format!("salt {prose:?} not understood"))?;
        let rest = prose[digits.len()..].trim_start();
        if rest.starts_with("zero bytes") {
            vec![0; n]
        } else if rest.starts_with("bytes") && rest.contains("from the hash") {
            let base = base_hash.ok_or("salt from the hash, but the key was not derived")?;
            let start = (key.key_bits() / 8) as usize;
            base.get(start..start + n)
                .ok_or_else(|| format!("salt: the base hash has no bytes {start}..{}", start + n))?
                .to_vec()
        } else {
            return Err(format!("salt {prose:?} not understood").into());
        }
    };
    if got != expected {
        return Err(mismatch(&format!("KP_SALT ({prose})"), &expected, &got));
    }
    Ok(())
}

/// `mode`: the leading word names the mode. With "default" (or a stream cipher) it is checked,
/// otherwise it is set with `KP_MODE`.
fn apply_mode(key: &mut Key<'_>, params: &Value) -> R<()> {
    let Some(mode) = opt(params, "mode") else {
        return Ok(());
    };
    let text = as_str(mode, "mode")?;
    let word = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or("");
    let want = match word.to_ascii_lowercase().as_str() {
        "ecb" => CipherMode::Ecb,
        "cbc" => CipherMode::Cbc,
        "cfb" => CipherMode::Cfb,
        "ofb" => CipherMode::Ofb,
        "cts" => CipherMode::Cts,
        "stream" => CipherMode::Stream,
        _ => return Err(format!("mode {text:?} not understood").into()),
    };
    // "CBC (default)", "CBC (default; KP_MODE checked = ...)": only the parenthesis right after
    // the mode word says whether the mode is the key's default or set with KP_MODE (the CFB
    // entry's "(KP_MODE_BITS default 8)" is about the feedback width).
    let first_paren = text[word.len()..]
        .trim_start()
        .strip_prefix('(')
        .and_then(|rest| rest.split(')').next())
        .unwrap_or("");
    if !(first_paren.contains("default") || want == CipherMode::Stream) {
        key.set_mode(want).ctx("CryptSetKeyParam(KP_MODE)")?;
    }
    if key.mode() != want {
        return Err(format!("KP_MODE: expected {want:?} ({text}) got {:?}", key.mode()).into());
    }
    if text.contains("8-bit feedback") && key.mode_bits() != 8 {
        return Err(format!("KP_MODE_BITS: expected 8 got {}", key.mode_bits()).into());
    }
    Ok(())
}

/// `iv_hex`: set when not all zero, else checked to be the default; `null` means no IV at all
/// (a stream cipher).
fn apply_iv(key: &mut Key<'_>, params: &Value) -> R<()> {
    match opt(params, "iv_hex") {
        None => Ok(()),
        Some(Value::Null) => {
            if key.iv().is_empty() {
                Ok(())
            } else {
                Err(format!("KP_IV: expected none got {}", hex(&key.iv())).into())
            }
        }
        Some(v) => {
            let iv = unhex(as_str(v, "iv_hex")?)?;
            if iv.iter().any(|&b| b != 0) {
                key.set_iv(&iv).ctx("CryptSetKeyParam(KP_IV)")?;
            }
            if key.iv() != iv {
                return Err(mismatch("KP_IV", &iv, &key.iv()));
            }
            Ok(())
        }
    }
}

/// The key with its mode and IV, as the entry describes it.
fn cipher_key<'p>(
    prov: &'p Provider,
    v: &Vector<'_>,
    soft: &mut Vec<Fail>,
) -> R<(Key<'p>, KeyInfo)> {
    let (mut key, info) = build_key(prov, v, soft)?;
    apply_mode(&mut key, v.params)?;
    apply_iv(&mut key, v.params)?;
    Ok((key, info))
}

// ---------------------------------------------------------------------------------------------
// Vectors and the family runner
// ---------------------------------------------------------------------------------------------

struct Vector<'a> {
    params: &'a Value,
    /// The expected bytes; empty when `expected` is a verdict or an object.
    expected: Vec<u8>,
    /// `expected` as `"TRUE"` / `"FALSE"` (a signature check).
    verdict: Option<bool>,
    /// `expected` as an object (a behavioural check).
    behaviour: Option<&'a Value>,
    /// Older Windows results (`also_accepted`): the crate must not produce them.
    also_accepted: Vec<(Vec<u8>, String)>,
    /// The entry's `notes` (empty when absent): some runners check what they describe.
    notes: &'a str,
    /// The entry's `verifier_intermediates`, when given.
    intermediates: Option<&'a Value>,
    /// Checks a runner could not make through the API, with the reason; reported as notes.
    remarks: RefCell<Vec<String>>,
}

impl Vector<'_> {
    /// Records a check the notes describe that cannot be made through the API.
    fn remark(&self, text: impl Into<String>) {
        self.remarks.borrow_mut().push(text.into());
    }

    /// The object-valued `expected`, and every key of it that the runner must consume.
    fn behaviour(&self) -> R<&serde_json::Map<String, Value>> {
        self.behaviour
            .and_then(Value::as_object)
            .ok_or_else(|| "expected is not an object".into())
    }

    /// Compares a result with `expected`, naming an `also_accepted` match.
    fn check(&self, what: &str, got: &[u8]) -> R<()> {
        if got == self.expected {
            return Ok(());
        }
        let mut fail = mismatch(what, &self.expected, got);
        if let Some((_, when)) = self.also_accepted.iter().find(|(old, _)| old == got)
            && let Fail::Msg(msg) = &mut fail
        {
            let _ = write!(msg, " (the older-Windows also_accepted value: {when})");
        }
        Err(fail)
    }
}

fn entries() -> &'static [Value] {
    static DATA: OnceLock<Vec<Value>> = OnceLock::new();
    DATA.get_or_init(|| serde_json::from_str(KAT_JSON).unwrap())
}

type Runner = fn(&Vector<'_>, &Provider, &mut Vec<Fail>);

/// Runs every entry of `op` on every provider it lists, then reports and panics on failures.
fn run_family(op: &str, runner: Runner) {
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut skipped = Vec::new();
    let mut failures = Vec::new();
    let mut notes = Vec::new();
    for entry in entries()
        .iter()
        .filter(|e| e.get("op").and_then(Value::as_str) == Some(op))
    {
        let id = entry.get("id").and_then(Value::as_str).unwrap_or("<no id>");
        let before = failures.len();
        let ran = run_entry(
            entry,
            id,
            op,
            runner,
            &mut failures,
            &mut skipped,
            &mut notes,
        );
        // A skipped entry still has its fields checked, and can fail that check.
        if failures.len() > before {
            failed += 1;
        } else if ran {
            passed += 1;
        }
    }
    println!(
        "{op}: {passed} passed, {failed} failed, {} skipped",
        skipped.len()
    );
    for (id, reason) in &skipped {
        println!("  skipped {id}: {reason}");
    }
    for note in &notes {
        println!("  note {note}");
    }
    if !failures.is_empty() {
        for f in &failures {
            println!("  FAILED {f}");
        }
        panic!(
            "{op}: {} of {} vectors failed:\n{}",
            failed,
            passed + failed,
            failures.join("\n")
        );
    }
}

/// Parses the parts of an entry every op shares: expected bytes (or verdict, or object),
/// `also_accepted`, notes, providers.
fn parse_vector<'a>(entry: &'a Value, params: &'a Value) -> R<(Vector<'a>, Vec<ProvSpec>)> {
    let (expected, verdict, behaviour) = match field(entry, "expected")? {
        Value::String(s) if s == "TRUE" => (Vec::new(), Some(true), None),
        Value::String(s) if s == "FALSE" => (Vec::new(), Some(false), None),
        Value::String(s) => (unhex(s)?, None, None),
        obj @ Value::Object(_) => (Vec::new(), None, Some(obj)),
        other => return Err(format!("expected {other} not understood").into()),
    };
    let mut also_accepted = Vec::new();
    if let Some(list) = entry.get("also_accepted").and_then(Value::as_array) {
        for item in list {
            let old = unhex(str_field(item, "hex")?)?;
            let when = item
                .get("when")
                .and_then(Value::as_str)
                .unwrap_or("older Windows");
            if old == expected {
                return Err("also_accepted repeats expected".into());
            }
            also_accepted.push((old, when.to_owned()));
        }
    }
    let notes = match entry.get("notes") {
        None => "",
        Some(n) => as_str(n, "notes")?,
    };
    let provider_type = str_field(entry, "provider_type")?;
    let providers = field(entry, "providers")?
        .as_array()
        .ok_or("providers is not a list")?;
    if providers.is_empty() {
        return Err("no providers".into());
    }
    let mut specs = Vec::new();
    for p in providers {
        let spec = parse_provider(as_str(p, "providers[]")?)?;
        let ty_name = format!("{:?}", spec.ty);
        if !provider_type.contains(&ty_name) {
            return Err(format!(
                "{} is {ty_name}, not in provider_type {provider_type:?}",
                spec.label
            )
            .into());
        }
        specs.push(spec);
    }
    Ok((
        Vector {
            params,
            expected,
            verdict,
            behaviour,
            also_accepted,
            notes,
            intermediates: entry.get("verifier_intermediates"),
            remarks: RefCell::new(Vec::new()),
        },
        specs,
    ))
}

/// Runs one entry on all its providers; `false` when it is skipped.
fn run_entry(
    entry: &Value,
    id: &str,
    op: &str,
    runner: Runner,
    failures: &mut Vec<String>,
    skipped: &mut Vec<(String, String)>,
    notes: &mut Vec<String>,
) -> bool {
    for f in unconsumed_fields(entry, op) {
        failures.push(format!("{id}: {f}"));
    }
    let Some(params) = entry.get("params") else {
        failures.push(format!("{id}: no params"));
        return true;
    };
    if let Some(reason) = skip_reason(op, params) {
        skipped.push((id.to_owned(), reason));
        return false;
    }
    let parsed = parse_vector(entry, params);
    let (vector, specs) = match parsed {
        Ok(ok) => ok,
        Err(f) => {
            failures.push(format!("{id}: {}", f.render(&[])));
            return true;
        }
    };
    for spec in &specs {
        let prov = match acquire(spec) {
            Ok(prov) => prov,
            Err(f) => {
                failures.push(format!(
                    "{id} [{}]: {}",
                    spec.label,
                    f.render(&vector.expected)
                ));
                continue;
            }
        };
        // Some entries list PROV_RSA_FULL providers next to the AES one for a SHA-2 based
        // vector. Windows' PROV_RSA_FULL providers have no SHA-2 (CryptCreateHash gives
        // NTE_BAD_ALGID), so such a row cannot have been recorded there: check that refusal,
        // and say so in the summary, instead of running the vector.
        if spec.ty == ProviderType::RSA_FULL
            && let Some(&sha2) = hash_algs_used(params).iter().find(|a| SHA2_IDS.contains(a))
        {
            match prov.create_hash(AlgId::from_raw(sha2), None) {
                Err(e) if e.code() == NTE_BAD_ALGID => notes.push(format!(
                    "{id} [{}]: lists a PROV_RSA_FULL provider for {:?}, which Windows refuses there; \
                     checked CryptCreateHash gives NTE_BAD_ALGID instead of running it",
                    spec.label,
                    AlgId::from_raw(sha2)
                )),
                Err(e) => failures.push(format!(
                    "{id} [{}]: CryptCreateHash({:?}) on PROV_RSA_FULL: expected NTE_BAD_ALGID got {}",
                    spec.label,
                    AlgId::from_raw(sha2),
                    error_text(&e)
                )),
                Ok(_) => failures.push(format!(
                    "{id} [{}]: CryptCreateHash({:?}) on PROV_RSA_FULL: expected NTE_BAD_ALGID got success",
                    spec.label,
                    AlgId::from_raw(sha2)
                )),
            }
            continue;
        }
        let mut fails = Vec::new();
        runner(&vector, &prov, &mut fails);
        for remark in vector.remarks.borrow_mut().drain(..) {
            let line = format!("{id} [{}]: {remark}", spec.label);
            if !notes.contains(&line) {
                notes.push(line);
            }
        }
        // Checks that share a step (two keys built the same way) report it once.
        let mut seen = BTreeSet::new();
        for f in fails {
            let line = format!("{id} [{}]: {}", spec.label, f.render(&vector.expected));
            if seen.insert(line.clone()) {
                failures.push(line);
            }
        }
    }
    true
}

/// Runs `check`, recording its failure.
fn record(fails: &mut Vec<Fail>, check: impl FnOnce() -> R<()>) {
    if let Err(f) = check() {
        fails.push(f);
    }
}

/// The chunk sizes of the streaming checks.
const CHUNK_SIZES: std::ops::RangeInclusive<usize> = 1..=17;

// ---------------------------------------------------------------------------------------------
// hash
// ---------------------------------------------------------------------------------------------

fn run_hash(v: &Vector<'_>, prov: &Provider, fails: &mut Vec<Fail>) {
    let setup = || -> R<(AlgId, Vec<u8>, Option<u32>)> {
        let alg = alg_field(v.params, "alg")?;
        let data = parse_data(field(v.params, "data")?)?;
        let flags = opt(v.params, "hash_data_flags")
            .map(|f| as_u32(f, "hash_data_flags"))
            .transpose()?;
        Ok((alg, data, flags))
    };
    let (alg, data, flags) = match setup() {
        Ok(s) => s,
        Err(f) => return fails.push(f),
    };
    record(fails, || {
        let mut hash = prov.create_hash(alg, None).ctx("CryptCreateHash")?;
        if hash.size() != v.expected.len() {
            return Err(format!(
                "HP_HASHSIZE: expected {} got {}",
                v.expected.len(),
                hash.size()
            )
            .into());
        }
        let value = match opt(v.params, "updates") {
            None => {
                match flags {
                    Some(flags) => hash.hash_data_with_flags(&data, flags),
                    None => hash.hash_data(&data),
                }
                .ctx("CryptHashData")?;
                hash.value().ctx("CryptGetHashParam(HP_HASHVAL)")?
            }
            Some(updates) => {
                let updates = updates.as_array().ok_or("updates is not a list")?;
                let mut clone = None;
                let mut next = 0;
                for u in updates {
                    let (offset, length) = (usize_field(u, "offset")?, usize_field(u, "length")?);
                    if offset != next {
                        return Err(format!("updates: offset {offset}, expected {next}").into());
                    }
                    next = offset + length;
                    let chunk = data.get(offset..next).ok_or("updates run past the data")?;
                    let flags = opt(u, "flags")
                        .map(|f| as_u32(f, "flags"))
                        .transpose()?
                        .unwrap_or(0);
                    let target = match str_field(u, "on")? {
                        "original hash" if clone.is_none() => &mut hash,
                        "original hash" => {
                            return Err("update of the original after duplicating".into());
                        }
                        "CryptDuplicateHash clone" => {
                            if clone.is_none() {
                                clone = Some(hash.duplicate().ctx("CryptDuplicateHash")?);
                            }
                            clone.as_mut().unwrap()
                        }
                        other => {
                            return Err(format!("updates[].on {other:?} not understood").into());
                        }
                    };
                    target
                        .hash_data_with_flags(chunk, flags)
                        .ctx("CryptHashData")?;
                }
                if next != data.len() {
                    return Err(format!("updates cover {next} of {} bytes", data.len()).into());
                }
                match clone.as_mut() {
                    Some(clone) => clone
                        .value()
                        .ctx("CryptGetHashParam(HP_HASHVAL) of the clone")?,
                    None => hash.value().ctx("CryptGetHashParam(HP_HASHVAL)")?,
                }
            }
        };
        v.check("", &value)
    });
    for size in CHUNK_SIZES {
        record(fails, || {
            let mut hash = prov.create_hash(alg, None).ctx("CryptCreateHash")?;
            for chunk in data.chunks(size) {
                hash.hash_data(chunk).ctx("CryptHashData")?;
            }
            v.check(
                &format!("fed in {size}-byte chunks"),
                &hash.value().ctx("CryptGetHashParam(HP_HASHVAL)")?,
            )
        });
    }
}

// ---------------------------------------------------------------------------------------------
// hmac
// ---------------------------------------------------------------------------------------------

fn hmac_info(params: &Value) -> R<HmacInfo> {
    let alg = alg_field(params, "hash_alg")?;
    let info = field(params, "hmac_info")?;
    let name = str_field(info, "HashAlgid")?;
    let hash_name = str_field(field(params, "hash_alg")?, "name")?;
    if name != hash_name {
        return Err(format!("hmac_info.HashAlgid {name} but hash_alg is {hash_name}").into());
    }
    let defaults = ["inner", "outer"].map(|k| opt(info, k));
    let strings = ["pbInnerString", "pbOuterString"].map(|k| opt(info, k));
    match (defaults, strings) {
        ([Some(inner), Some(outer)], [None, None]) => {
            for (k, v) in [("inner", inner), ("outer", outer)] {
                if !as_str(v, k)?.starts_with("default") {
                    return Err(format!("hmac_info.{k} {v} not understood").into());
                }
            }
            Ok(HmacInfo::new(alg))
        }
        ([None, None], [Some(inner), Some(outer)]) => {
            let mut pads = Vec::new();
            for (k, v, len) in [
                ("pbInnerString", inner, "cbInnerString"),
                ("pbOuterString", outer, "cbOuterString"),
            ] {
                if as_str(v, k)? != "zeros" {
                    return Err(format!("hmac_info.{k} {v} not understood").into());
                }
                pads.push(vec![0u8; usize_field(info, len)?]);
            }
            Ok(HmacInfo::with_pads(alg, &pads[0], &pads[1]))
        }
        _ => Err("hmac_info: give either inner/outer or pbInnerString/pbOuterString".into()),
    }
}

fn run_hmac(v: &Vector<'_>, prov: &Provider, fails: &mut Vec<Fail>) {
    let mut setup = || -> R<(Key<'_>, HmacInfo, Vec<u8>)> {
        let (key, _) = build_key(prov, v, fails)?;
        Ok((
            key,
            hmac_info(v.params)?,
            parse_data(field(v.params, "data")?)?,
        ))
    };
    let (key, info, data) = match setup() {
        Ok(s) => s,
        Err(f) => return fails.push(f),
    };
    let hmac = |chunk: usize| -> R<Vec<u8>> {
        let mut hash = prov
            .create_hash(AlgId::HMAC, Some(&key))
            .ctx("CryptCreateHash(CALG_HMAC)")?;
        hash.set_hmac_info(&info)
            .ctx("CryptSetHashParam(HP_HMAC_INFO)")?;
        if hash.size() != v.expected.len() {
            return Err(format!(
                "HP_HASHSIZE: expected {} got {}",
                v.expected.len(),
                hash.size()
            )
            .into());
        }
        for part in data.chunks(chunk.max(1)) {
            hash.hash_data(part).ctx("CryptHashData")?;
        }
        hash.value().ctx("CryptGetHashParam(HP_HASHVAL)")
    };
    record(fails, || v.check("", &hmac(data.len())?));
    for size in CHUNK_SIZES {
        record(fails, || {
            v.check(&format!("fed in {size}-byte chunks"), &hmac(size)?)
        });
    }
}

// ---------------------------------------------------------------------------------------------
// mac
// ---------------------------------------------------------------------------------------------

/// An operand in `key_state_history` prose: `abEnc[0..7]` (an inclusive range of a buffer an
/// earlier step filled), `256 bytes 00..ff` (a counter from 0) or `8 bytes 0xCC` (a repeat).
/// Returns the bytes and, for a buffer range, where to write results back.
fn parse_operand(text: &str, buffers: &HashMap<String, Vec<u8>>) -> R<Operand> {
    let text = text.trim_start();
    let first = text.split_whitespace().next().ok_or("empty operand")?;
    if let Some((name, range)) = first.split_once('[') {
        let range = range.split(']').next().unwrap_or("");
        let (a, b) = range
            .split_once("..")
            .ok_or_else(|| format!("range {range:?} not understood"))?;
        let (a, b): (usize, usize) = (
            a.parse().map_err(|_| "bad range start")?,
            b.parse().map_err(|_| "bad range end")?,
        );
        let buf = buffers
            .get(name)
            .ok_or_else(|| format!("no buffer {name} yet"))?;
        let bytes = buf
            .get(a..=b)
            .ok_or_else(|| format!("{name}[{a}..{b}] is out of range"))?;
        return Ok((bytes.to_vec(), Some((name.to_owned(), a))));
    }
    let n: usize = first
        .parse()
        .map_err(|_| format!("operand {text:?} not understood"))?;
    let mut words = text.split_whitespace().skip(1);
    if !matches!(words.next(), Some("byte" | "bytes")) {
        return Err(format!("operand {text:?} not understood").into());
    }
    match words.next().map(|w| w.trim_end_matches(')')) {
        Some("00..ff") => Ok(((0..n).map(|i| (i & 0xff) as u8).collect(), None)),
        Some(w) if w.len() == 4 && w.to_ascii_lowercase().starts_with("0x") => {
            let b = unhex(&w[2..].to_ascii_lowercase())?;
            Ok((vec![b[0]; n], None))
        }
        _ => Err(format!("operand {text:?} not understood").into()),
    }
}

/// An operand's bytes, and for a buffer range the buffer's name and the range's start.
type Operand = (Vec<u8>, Option<(String, usize)>);

/// `... in a 264-byte buffer abEnc ...`: where a step's output is kept.
fn parse_buffer_target(text: &str) -> R<Option<(String, usize)>> {
    let Some((_, rest)) = text.split_once(" in a ") else {
        return Ok(None);
    };
    let mut words = rest.split_whitespace();
    let size = words
        .next()
        .and_then(|w| w.strip_suffix("-byte"))
        .ok_or("buffer size not understood")?;
    let size: usize = size.parse().map_err(|_| "buffer size not understood")?;
    if words.next() != Some("buffer") {
        return Err(format!("buffer in {text:?} not understood").into());
    }
    let name = words.next().ok_or("buffer name missing")?;
    Ok(Some((name.to_owned(), size)))
}

/// `(offset, length)` of one `CryptHashData` call.
type Span = (usize, usize);

/// The `hash_data_calls` split of `data`, checked to cover it exactly.
fn data_calls(params: &Value, data: &[u8]) -> R<Vec<Span>> {
    let Some(calls) = opt(params, "hash_data_calls") else {
        return Ok(vec![(0, data.len())]);
    };
    let mut out = Vec::new();
    let mut next = 0;
    for c in calls.as_array().ok_or("hash_data_calls is not a list")? {
        let (offset, length) = (usize_field(c, "offset")?, usize_field(c, "length")?);
        if offset != next {
            return Err(format!("hash_data_calls: offset {offset}, expected {next}").into());
        }
        next += length;
        out.push((offset, length));
    }
    if next != data.len() {
        return Err(format!("hash_data_calls cover {next} of {} bytes", data.len()).into());
    }
    Ok(out)
}

fn run_mac(v: &Vector<'_>, prov: &Provider, fails: &mut Vec<Fail>) {
    let mut setup = || -> R<(Key<'_>, AlgId, Vec<u8>, Vec<Span>)> {
        let (key, _) = cipher_key(prov, v, fails)?;
        let mac_alg = alg_field(v.params, "mac_alg")?;
        let data = parse_data(field(v.params, "data")?)?;
        let calls = data_calls(v.params, &data)?;
        Ok((key, mac_alg, data, calls))
    };
    let (mut key, mac_alg, data, calls) = match setup() {
        Ok(s) => s,
        Err(f) => return fails.push(f),
    };
    let mac_name = v
        .params
        .get("mac_alg")
        .and_then(|a| a.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("CALG_MAC");

    // The recorded sequence of calls, replayed on the key (CryptEncrypt/CryptDecrypt between
    // creating the hash and reading it must not change the Windows 8+ value).
    record(fails, || {
        let default_history = [
            format!("CryptCreateHash({mac_name}, key)"),
            format!("CryptHashData({} bytes)", data.len()),
            format!(
                "CryptGetHashParam(HP_HASHVAL) -> {} bytes",
                v.expected.len()
            ),
        ];
        let history: Vec<String> = match opt(v.params, "key_state_history") {
            Some(h) => h
                .as_array()
                .ok_or("key_state_history is not a list")?
                .iter()
                .map(|s| as_str(s, "key_state_history[]").map(str::to_owned))
                .collect::<R<_>>()?,
            None => default_history.to_vec(),
        };
        let mut buffers: HashMap<String, Vec<u8>> = HashMap::new();
        let mut hash = None;
        let mut value = None;
        for step in &history {
            let (call, rest) = step
                .split_once('(')
                .ok_or_else(|| format!("step {step:?} not understood"))?;
            match call {
                "CryptEncrypt" | "CryptDecrypt" => {
                    let final_block = if rest.starts_with("final=TRUE)") {
                        true
                    } else if rest.starts_with("final=FALSE)") {
                        false
                    } else {
                        return Err(format!("step {step:?}: final not understood").into());
                    };
                    let operand = rest
                        .split_once(") of ")
                        .ok_or_else(|| format!("step {step:?} not understood"))?
                        .1;
                    let (mut bytes, source) = parse_operand(operand, &buffers)?;
                    let in_len = bytes.len();
                    if call == "CryptEncrypt" {
                        key.encrypt(&mut bytes, final_block)
                            .ctx(&format!("replayed {step}"))?;
                    } else {
                        key.decrypt(&mut bytes, final_block)
                            .ctx(&format!("replayed {step}"))?;
                    }
                    if let Some((name, size)) = parse_buffer_target(operand)? {
                        if bytes.len() > size {
                            return Err(
                                format!("step {step:?}: {} bytes do not fit", bytes.len()).into()
                            );
                        }
                        buffers.insert(name, bytes);
                    } else if let Some((name, at)) = source {
                        // In place, as Windows writes pbData back.
                        let buf = buffers.get_mut(&name).ok_or("buffer vanished")?;
                        if bytes.len() != in_len || at + in_len > buf.len() {
                            return Err(
                                format!("step {step:?}: in-place result does not fit").into()
                            );
                        }
                        buf[at..at + in_len].copy_from_slice(&bytes);
                    }
                }
                "CryptCreateHash" => {
                    let alg = rest.split(',').next().unwrap_or("").trim();
                    if alg != mac_name {
                        return Err(
                            format!("step {step:?}: the entry's mac_alg is {mac_name}").into()
                        );
                    }
                    if hash.is_some() {
                        return Err(format!("step {step:?}: a second hash").into());
                    }
                    hash = Some(
                        prov.create_hash(mac_alg, Some(&key))
                            .ctx("CryptCreateHash(CALG_MAC)")?,
                    );
                }
                "CryptHashData" => {
                    let h = hash
                        .as_mut()
                        .ok_or_else(|| format!("step {step:?} before CryptCreateHash"))?;
                    let described = rest.trim_end_matches(')');
                    // The prose names the bytes; when it names them fully, they must be the data.
                    let n: usize = described
                        .split_whitespace()
                        .next()
                        .and_then(|w| w.parse().ok())
                        .ok_or_else(|| format!("step {step:?} not understood"))?;
                    if n != data.len() {
                        return Err(
                            format!("step {step:?}: the data has {} bytes", data.len()).into()
                        );
                    }
                    if described.split_whitespace().count() > 2 {
                        let (bytes, _) = parse_operand(described, &buffers)?;
                        if bytes != data {
                            return Err(format!("step {step:?} does not describe the data").into());
                        }
                    }
                    for &(offset, length) in &calls {
                        h.hash_data(&data[offset..offset + length])
                            .ctx("CryptHashData")?;
                    }
                }
                "CryptGetHashParam" => {
                    let h = hash
                        .as_mut()
                        .ok_or_else(|| format!("step {step:?} before CryptCreateHash"))?;
                    if !rest.starts_with("HP_HASHVAL)") {
                        return Err(format!("step {step:?} not understood").into());
                    }
                    if h.size() != v.expected.len() {
                        return Err(format!(
                            "HP_HASHSIZE: expected {} got {}",
                            v.expected.len(),
                            h.size()
                        )
                        .into());
                    }
                    let got = h.value().ctx("CryptGetHashParam(HP_HASHVAL)")?;
                    if let Some(n) = rest
                        .split("-> ")
                        .nth(1)
                        .and_then(|r| r.split_whitespace().next())
                        && n.parse::<usize>().ok() != Some(got.len())
                    {
                        return Err(format!("step {step:?}: got {} bytes", got.len()).into());
                    }
                    value = Some(got);
                }
                _ => return Err(format!("key_state_history step {step:?} not understood").into()),
            }
        }
        let value = value.ok_or("key_state_history never reads HP_HASHVAL")?;
        v.check("", &value)
    });
    for size in CHUNK_SIZES {
        record(fails, || {
            let mut hash = prov
                .create_hash(mac_alg, Some(&key))
                .ctx("CryptCreateHash(CALG_MAC)")?;
            for chunk in data.chunks(size) {
                hash.hash_data(chunk).ctx("CryptHashData")?;
            }
            v.check(
                &format!("fed in {size}-byte chunks"),
                &hash.value().ctx("CryptGetHashParam(HP_HASHVAL)")?,
            )
        });
    }
}

// ---------------------------------------------------------------------------------------------
// encrypt, derive_key, decrypt
// ---------------------------------------------------------------------------------------------

/// One CryptEncrypt/CryptDecrypt call: offset and length in the data, Final, `dwBufLen`.
struct Call {
    offset: usize,
    len: usize,
    final_block: bool,
    buffer_len: Option<usize>,
}

fn cipher_calls(params: &Value, data: &[u8]) -> R<Vec<Call>> {
    let Some(calls) = opt(params, "calls") else {
        let len = usize_field(params, "data_len")?;
        if len != data.len() {
            return Err(format!("data_len {len} but the data has {} bytes", data.len()).into());
        }
        let buffer_len = opt(params, "buffer_len")
            .map(|b| as_usize(b, "buffer_len"))
            .transpose()?;
        return Ok(vec![Call {
            offset: 0,
            len,
            final_block: bool_field(params, "final")?,
            buffer_len,
        }]);
    };
    for k in ["data_len", "final", "buffer_len"] {
        if opt(params, k).is_some() {
            return Err(format!("both calls and {k}").into());
        }
    }
    let mut out: Vec<Call> = Vec::new();
    for c in calls.as_array().ok_or("calls is not a list")? {
        let call = Call {
            offset: usize_field(c, "offset")?,
            len: usize_field(c, "data_len")?,
            final_block: bool_field(c, "final")?,
            buffer_len: opt(c, "buffer_len")
                .map(|b| as_usize(b, "buffer_len"))
                .transpose()?,
        };
        let expected_offset = out.last().map_or(0, |p| p.offset + p.len);
        if call.offset != expected_offset {
            return Err(
                format!("calls: offset {}, expected {expected_offset}", call.offset).into(),
            );
        }
        if call.offset + call.len > data.len() {
            return Err("calls run past the data".into());
        }
        out.push(call);
    }
    if out.is_empty() {
        return Err("calls is empty".into());
    }
    Ok(out)
}

/// `encrypt` and `derive_key`: encrypt with the calls given, compare, and decrypt back.
fn run_encrypt(v: &Vector<'_>, prov: &Provider, fails: &mut Vec<Fail>) {
    let setup = || -> R<(Vec<u8>, Vec<Call>)> {
        let data = parse_data(field(v.params, "data")?)?;
        let calls = cipher_calls(v.params, &data)?;
        Ok((data, calls))
    };
    let (data, calls) = match setup() {
        Ok(s) => s,
        Err(f) => return fails.push(f),
    };
    let plaintext: Vec<u8> = calls
        .iter()
        .flat_map(|c| data[c.offset..c.offset + c.len].iter().copied())
        .collect();
    let last_final = calls.last().is_some_and(|c| c.final_block);
    let mut soft = Vec::new();
    record(fails, || {
        let (mut key, _) = cipher_key(prov, v, &mut soft)?;
        let mut out = Vec::new();
        for (i, call) in calls.iter().enumerate() {
            let needed = key.encrypted_len(call.len, call.final_block);
            if let Some(buffer_len) = call.buffer_len
                && needed > buffer_len
            {
                return Err(format!("call {i}: CryptEncrypt needs {needed} bytes, the Windows buffer is {buffer_len}").into());
            }
            let mut chunk = data[call.offset..call.offset + call.len].to_vec();
            key.encrypt(&mut chunk, call.final_block)
                .ctx(&format!("CryptEncrypt (call {i})"))?;
            if chunk.len() != needed {
                return Err(format!(
                    "call {i}: {} bytes out, encrypted_len said {needed}",
                    chunk.len()
                )
                .into());
            }
            out.extend(chunk);
        }
        v.check("", &out)?;
        if last_final {
            // A Final call resets the key: the same key decrypts it again.
            let mut back = out;
            key.decrypt(&mut back, true)
                .ctx("CryptDecrypt (same key, after the Final encryption)")
                .map_err(Fail::plain)?;
            if back != plaintext {
                return Err(mismatch("decrypted with the same key", &plaintext, &back));
            }
        }
        Ok(())
    });
    record(fails, || {
        let (mut key, _) = cipher_key(prov, v, &mut soft)?;
        let mut back = v.expected.clone();
        key.decrypt(&mut back, last_final)
            .ctx("CryptDecrypt (fresh key) of the expected ciphertext")
            .map_err(Fail::plain)?;
        if back != plaintext {
            return Err(mismatch(
                "expected ciphertext decrypted with a fresh key",
                &plaintext,
                &back,
            ));
        }
        Ok(())
    });
    fails.extend(soft);
}

fn run_decrypt(v: &Vector<'_>, prov: &Provider, fails: &mut Vec<Fail>) {
    let mut soft = Vec::new();
    record(fails, || {
        let data = parse_data(field(v.params, "data")?)?;
        let calls = cipher_calls(v.params, &data)?;
        let (mut key, _) = cipher_key(prov, v, &mut soft)?;
        let mut out = Vec::new();
        for (i, call) in calls.iter().enumerate() {
            let mut chunk = data[call.offset..call.offset + call.len].to_vec();
            key.decrypt(&mut chunk, call.final_block)
                .ctx(&format!("CryptDecrypt (call {i})"))?;
            out.extend(chunk);
        }
        v.check("", &out)
    });
    fails.extend(soft);
}

// ---------------------------------------------------------------------------------------------
// RSA ops: shared helpers
// ---------------------------------------------------------------------------------------------

/// `KP_PERMISSIONS` bits by their Windows names.
const PERMISSION_NAMES: [(&str, u32); 9] = [
    ("CRYPT_ENCRYPT", 0x01),
    ("CRYPT_DECRYPT", 0x02),
    ("CRYPT_EXPORT", 0x04),
    ("CRYPT_READ", 0x08),
    ("CRYPT_WRITE", 0x10),
    ("CRYPT_MAC", 0x20),
    ("CRYPT_EXPORT_KEY", 0x40),
    ("CRYPT_IMPORT_KEY", 0x80),
    ("CRYPT_ARCHIVE", 0x100),
];

/// The word the notes give for `name`: `KP_ALGID = CALG_RSA_KEYX,` or `KP_PERMISSIONS A|B.`
/// give `CALG_RSA_KEYX` and `A|B`.
fn note_value<'n>(notes: &'n str, name: &str) -> Option<&'n str> {
    let (_, rest) = notes.split_once(&format!("{name} "))?;
    let rest = rest.strip_prefix("= ").unwrap_or(rest);
    let word = rest.split([' ', ',', ';']).next()?;
    Some(word.trim_end_matches(['.', ')']))
}

/// The `KP_ALGID` and `KP_PERMISSIONS` the notes state for a key, checked.
fn check_noted_key_params(notes: &str, key: &Key<'_>, soft: &mut Vec<Fail>) {
    if let Some(alg) = note_value(notes, "KP_ALGID") {
        let got = format!("{:?}", key.alg_id());
        if got != alg {
            soft.push(format!("KP_ALGID: expected {alg} (notes) got {got}").into());
        }
    }
    if let Some(perms) = note_value(notes, "KP_PERMISSIONS") {
        let mut want = 0;
        for name in perms.split('|') {
            match PERMISSION_NAMES.iter().find(|(n, _)| *n == name) {
                Some((_, bit)) => want |= bit,
                None => {
                    soft.push(
                        format!("KP_PERMISSIONS {perms:?} in the notes not understood").into(),
                    );
                    return;
                }
            }
        }
        if key.permissions().bits() != want {
            soft.push(
                format!(
                    "KP_PERMISSIONS: expected {want:#x} ({perms}) got {:#x}",
                    key.permissions().bits()
                )
                .into(),
            );
        }
    }
}

/// A `"NAME (n)"` field naming a numbered constant: the number, checked against `names`.
fn numbered_field<T: Copy>(v: &Value, field_name: &str, names: &[(&str, T)]) -> R<T> {
    let text = str_field(v, field_name)?;
    let (name, _) = text.split_once(' ').unwrap_or((text, ""));
    names
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .ok_or_else(|| format!("{field_name} {text:?} not understood").into())
}

fn key_spec_field(v: &Value, field_name: &str) -> R<KeySpec> {
    let spec = numbered_field(
        v,
        field_name,
        &[
            ("AT_KEYEXCHANGE", KeySpec::Exchange),
            ("AT_SIGNATURE", KeySpec::Signature),
        ],
    )?;
    let text = str_field(v, field_name)?;
    if !text.ends_with(&format!("({})", spec.raw())) {
        return Err(format!("{field_name} {text:?}: name and number disagree").into());
    }
    Ok(spec)
}

fn blob_type_field(v: &Value, field_name: &str) -> R<BlobType> {
    let blob_type = numbered_field(
        v,
        field_name,
        &[
            ("SIMPLEBLOB", BlobType::SimpleBlob),
            ("PUBLICKEYBLOB", BlobType::PublicKeyBlob),
            ("PRIVATEKEYBLOB", BlobType::PrivateKeyBlob),
            ("PLAINTEXTKEYBLOB", BlobType::PlaintextKeyBlob),
        ],
    )?;
    let text = str_field(v, field_name)?;
    if !text.ends_with(&format!("({})", blob_type.raw())) {
        return Err(format!("{field_name} {text:?}: name and number disagree").into());
    }
    Ok(blob_type)
}

/// `description`: prose or null, not interpreted.
fn check_description(params: &Value) -> R<()> {
    match opt(params, "description") {
        None | Some(Value::Null | Value::String(_)) => Ok(()),
        Some(other) => Err(format!("description {other} is not prose").into()),
    }
}

/// The public blob of a key.
fn public_blob(key: &Key<'_>) -> R<Vec<u8>> {
    Ok(key
        .export(None, BlobType::PublicKeyBlob, 0)
        .ctx("CryptExportKey(PUBLICKEYBLOB)")?
        .to_vec())
}

/// A blob the data names (`PUBLIC_EXCH_blob`, `abPlainPrivateKey`, ...): an object with that
/// `blob_name` anywhere in the data, or the `private_blob` / `public_blob` of an entry whose
/// `source` names it. Every match must hold the same bytes.
fn named_blob(name: &str) -> R<Vec<u8>> {
    fn walk<'v>(v: &'v Value, name: &str, out: &mut Vec<&'v Value>) {
        match v {
            Value::Object(map) => {
                if map.get("blob_name").and_then(Value::as_str) == Some(name) {
                    out.push(v);
                }
                map.values().for_each(|child| walk(child, name, out));
            }
            Value::Array(items) => items.iter().for_each(|child| walk(child, name, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    for entry in entries() {
        walk(
            entry.get("params").unwrap_or(&Value::Null),
            name,
            &mut found,
        );
        let sourced = entry
            .get("source")
            .and_then(Value::as_str)
            .is_some_and(|s| s.split([' ', ',', ':']).any(|w| w == name));
        if sourced && let Some(params) = entry.get("params") {
            let field_name = if name.starts_with("PRIVATE") {
                "private_blob"
            } else if name.starts_with("PUBLIC") {
                "public_blob"
            } else {
                continue;
            };
            if let Some(blob) = params.get(field_name) {
                found.push(blob);
            }
        }
    }
    let mut bytes: Option<Vec<u8>> = None;
    for spec in found {
        let blob = blob_bytes(spec)?;
        match &bytes {
            Some(first) if *first != blob => {
                return Err(format!("the data holds two different blobs named {name}").into());
            }
            Some(_) => {}
            None => bytes = Some(blob),
        }
    }
    bytes.ok_or_else(|| format!("no blob named {name} in the data").into())
}

/// A fresh verify context on the same provider as `prov`.
fn fresh_verify_context(prov: &Provider) -> R<Provider> {
    store()
        .acquire(
            None,
            Some(prov.name()),
            prov.prov_type(),
            AcquireFlags::VERIFYCONTEXT,
        )
        .ctx("CryptAcquireContext(CRYPT_VERIFYCONTEXT)")
}

/// A new, uniquely named container on the same provider as `prov`, deleted on drop.
struct TempContainer {
    prov: Provider,
    name: String,
}

impl TempContainer {
    fn new(prov: &Provider) -> R<TempContainer> {
        static SEQ: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("windows-kat-{}-{seq}", std::process::id());
        let created = store()
            .acquire(
                Some(&name),
                Some(prov.name()),
                prov.prov_type(),
                AcquireFlags::NEWKEYSET,
            )
            .ctx("CryptAcquireContext(CRYPT_NEWKEYSET)")?;
        Ok(TempContainer {
            prov: created,
            name,
        })
    }
}

impl Drop for TempContainer {
    fn drop(&mut self) {
        let _ = store().delete_container(
            Some(&self.name),
            Some(self.prov.name()),
            self.prov.prov_type(),
            AcquireFlags::empty(),
        );
    }
}

/// A call's outcome (`None` for success) against the data's word for it: `"succeeds"` or a
/// Windows error name.
fn check_outcome(what: &str, want: &str, error: Option<&cryptoapi::Error>) -> R<()> {
    match (want, error) {
        ("succeeds", None) => Ok(()),
        ("succeeds", Some(e)) => {
            Err(format!("{what}: expected success got {}", error_text(e)).into())
        }
        (name, Some(e)) if e.windows_name() == Some(name) => Ok(()),
        (name, Some(e)) => Err(format!("{what}: expected {name} got {}", error_text(e)).into()),
        (name, None) => Err(format!("{what}: expected {name} got success").into()),
    }
}

// ---------------------------------------------------------------------------------------------
// export_key
// ---------------------------------------------------------------------------------------------

/// Imports the key, exports it again (byte-identical to `expected`), and checks what the notes
/// state: `KP_ALGID`, `KP_PERMISSIONS`, and that importing a public key leaves the context's
/// exchange pair alone.
fn run_export(v: &Vector<'_>, prov: &Provider, fails: &mut Vec<Fail>) {
    let mut soft = Vec::new();
    record(fails, || {
        let blob_type = blob_type_field(v.params, "export_blob_type")?;
        let wrap = u32_field(v.params, "hExpKey")?;
        if wrap != 0 {
            return Err(format!("hExpKey {wrap}: only 0 (no wrapping key) is understood").into());
        }
        let flags = u32_field(v.params, "flags")?;
        let keeps_pair = v
            .notes
            .contains("does not replace the container's AT_KEYEXCHANGE key");
        let before = if keeps_pair {
            Some(public_blob(&exchange_pair(prov)?)?)
        } else {
            None
        };
        let (key, _) = build_key(prov, v, &mut soft)?;
        check_noted_key_params(v.notes, &key, &mut soft);
        if let Some(before) = before {
            let after = public_blob(
                &prov
                    .user_key(KeySpec::Exchange)
                    .ctx("CryptGetUserKey(AT_KEYEXCHANGE) after the import")?,
            )?;
            if after != before {
                soft.push(mismatch(
                    "the exchange pair changed when a public key was imported",
                    &before,
                    &after,
                ));
            }
        }
        let exported = key.export(None, blob_type, flags).ctx("CryptExportKey")?;
        v.check("", &exported)
    });
    fails.extend(soft);
}

// ---------------------------------------------------------------------------------------------
// verify
// ---------------------------------------------------------------------------------------------

/// `the MD2 signature with length 64 -> NTE_BAD_SIGNATURE`: the shortened length.
fn noted_short_signature(notes: &str) -> Option<usize> {
    let (_, rest) = notes.split_once("signature with length ")?;
    let (len, rest) = rest.split_once(' ')?;
    rest.starts_with("-> NTE_BAD_SIGNATURE")
        .then(|| len.parse().ok())
        .flatten()
}

/// Imports the public key, hashes the data, and verifies the little-endian signature with the
/// entry's flags: `"TRUE"` must succeed, `"FALSE"` must give `NTE_BAD_SIGNATURE`. Before that,
/// as the Windows test does on the same hash, a signature cut to the length the notes give
/// (64 bytes) must give `NTE_BAD_SIGNATURE`. A NULL signature (`ERROR_INVALID_PARAMETER` on
/// Windows) cannot be expressed: a slice is never NULL.
fn run_verify(v: &Vector<'_>, prov: &Provider, fails: &mut Vec<Fail>) {
    let mut soft = Vec::new();
    record(fails, || {
        let verdict = v.verdict.ok_or("expected is not TRUE or FALSE")?;
        let hash_alg = alg_field(v.params, "hash_alg")?;
        let data = parse_data(field(v.params, "data")?)?;
        let signature = unhex(str_field(v.params, "signature_hex")?)?;
        let len = usize_field(v.params, "signature_len")?;
        if len != signature.len() {
            return Err(format!(
                "signature_len {len} but signature_hex has {} bytes",
                signature.len()
            )
            .into());
        }
        let flags = u32_field(v.params, "verify_flags")?;
        check_description(v.params)?;
        let (key, _) = build_key(prov, v, &mut soft)?;
        let mut hash = prov.create_hash(hash_alg, None).ctx("CryptCreateHash")?;
        hash.hash_data(&data).ctx("CryptHashData")?;
        if v.notes.contains("a NULL signature") {
            v.remark(
                "not checked: CryptVerifySignature with a NULL signature (ERROR_INVALID_PARAMETER in \
                 the notes) cannot be expressed, a slice is never NULL",
            );
        }
        if let Some(short) = noted_short_signature(v.notes) {
            let cut = signature
                .get(..short)
                .ok_or("the signature is shorter than the notes' length")?;
            match refused(hash.verify_signature(cut, &key, flags)) {
                Ok(NTE_BAD_SIGNATURE) => {}
                Ok(code) => soft.push(
                    format!("CryptVerifySignature of the first {short} bytes: expected NTE_BAD_SIGNATURE got {code:#010x}").into(),
                ),
                Err(ok) => soft.push(
                    format!("CryptVerifySignature of the first {short} bytes: expected NTE_BAD_SIGNATURE got {ok}").into(),
                ),
            }
        }
        let result = hash.verify_signature(&signature, &key, flags);
        match (verdict, result) {
            (true, Ok(())) => Ok(()),
            (false, Err(e)) if e.code() == NTE_BAD_SIGNATURE => Ok(()),
            (true, Err(e)) => Err(format!(
                "CryptVerifySignature(flags {flags:#x}): expected TRUE got {}",
                error_text(&e)
            )
            .into()),
            (false, Ok(())) => Err(format!(
                "CryptVerifySignature(flags {flags:#x}): expected FALSE (NTE_BAD_SIGNATURE) got TRUE"
            )
            .into()),
            (false, Err(e)) => Err(format!(
                "CryptVerifySignature(flags {flags:#x}): expected NTE_BAD_SIGNATURE got {}",
                error_text(&e)
            )
            .into()),
        }
    });
    fails.extend(soft);
}

// ---------------------------------------------------------------------------------------------
// sign
// ---------------------------------------------------------------------------------------------

/// `hash_value_set_via_HP_HASHVAL`: the concatenated digests of the data (`MD5(data)`,
/// `SHA1(data)`), made with the provider's own hashes. Returns the value and the data.
fn hash_value_set(prov: &Provider, spec: &Value) -> R<(Vec<u8>, Vec<u8>)> {
    let data = parse_data(field(spec, "data")?)?;
    let mut value = Vec::new();
    for part in field(spec, "concat_of")?
        .as_array()
        .ok_or("concat_of is not a list")?
    {
        let part = as_str(part, "concat_of[]")?;
        let alg = match part {
            "MD5(data)" => AlgId::MD5,
            "SHA1(data)" | "SHA(data)" => AlgId::SHA1,
            other => return Err(format!("concat_of {other:?} not understood").into()),
        };
        let mut hash = prov.create_hash(alg, None).ctx("CryptCreateHash")?;
        hash.hash_data(&data).ctx("CryptHashData")?;
        value.extend(hash.value().ctx("CryptGetHashParam(HP_HASHVAL)")?);
    }
    let len = usize_field(spec, "length")?;
    if len != value.len() {
        return Err(format!("hash value length {len} but the parts make {}", value.len()).into());
    }
    Ok((value, data))
}

/// Imports the private blob (into the slot its `ALG_ID` names, which must be `key_spec`'s), sets
/// the hash value, signs with `key_spec` and the flags, and compares; the signature must also
/// verify with the pair. What the notes say about the hash (`CryptHashData` refused with
/// `NTE_BAD_ALGID`) is checked too.
fn run_sign(v: &Vector<'_>, prov: &Provider, fails: &mut Vec<Fail>) {
    let mut soft = Vec::new();
    record(fails, || {
        let hash_alg = alg_field(v.params, "hash_alg")?;
        let spec = key_spec_field(v.params, "key_spec")?;
        let flags = u32_field(v.params, "sign_flags")?;
        check_description(v.params)?;
        let (value, data) =
            hash_value_set(prov, field(v.params, "hash_value_set_via_HP_HASHVAL")?)?;
        let (key, _) = build_key(prov, v, &mut soft)?;
        let slot = prov
            .user_key(spec)
            .ctx(&format!("CryptGetUserKey({spec:?}) after the import"))?;
        if public_blob(&slot)? != public_blob(&key)? {
            soft.push(format!("the imported pair is not the context's {spec:?} pair").into());
        }
        let mut hash = prov.create_hash(hash_alg, None).ctx("CryptCreateHash")?;
        if v.notes.contains("CryptHashData on it fails (NTE_BAD_ALGID") {
            match refused(hash.hash_data(&data)) {
                Ok(NTE_BAD_ALGID) => {}
                Ok(code) => soft.push(
                    format!(
                        "CryptHashData on {hash_alg:?}: expected NTE_BAD_ALGID got {code:#010x}"
                    )
                    .into(),
                ),
                Err(ok) => soft.push(
                    format!("CryptHashData on {hash_alg:?}: expected NTE_BAD_ALGID got {ok}")
                        .into(),
                ),
            }
        }
        hash.set_value(&value)
            .ctx("CryptSetHashParam(HP_HASHVAL)")?;
        let signature = hash.sign(spec, flags).ctx("CryptSignHash")?;
        v.check("", &signature)?;
        hash.verify_signature(&signature, &key, flags)
            .ctx("CryptVerifySignature of the signature with the pair")
            .map_err(Fail::plain)
    });
    fails.extend(soft);
}

// ---------------------------------------------------------------------------------------------
// import_key
// ---------------------------------------------------------------------------------------------

/// Three shapes of entry:
///
/// * `unwrap_key` + `blob` + `then`: a `SIMPLEBLOB` unwrapped with an imported pair, then used
///   (`then`), compared with `expected`; see [`import_unwrap_then`];
/// * `private_blob` + `public_blob`: the pair's public half must be `expected`; see
///   [`import_exchange_pair`];
/// * `blob` with an object as `expected`: which container slots the import fills; see
///   [`import_into_slots`].
fn run_import(v: &Vector<'_>, prov: &Provider, fails: &mut Vec<Fail>) {
    let p = v.params;
    if opt(p, "unwrap_key").is_some() {
        import_unwrap_then(v, prov, fails);
    } else if opt(p, "private_blob").is_some() {
        import_exchange_pair(v, prov, fails);
    } else if opt(p, "blob").is_some() && v.behaviour.is_some() {
        record(fails, || import_into_slots(v, prov));
    } else {
        fails.push("import_key params of a shape the harness does not know".into());
    }
}

/// The wine test's `derive_key` helper: `CryptDeriveKey(alg, MD2 of the 2000 counter bytes,
/// bits << 16 | CRYPT_EXPORTABLE)`.
fn wine_derive_key(prov: &Provider, alg: AlgId, bits: u16) -> R<Key<'_>> {
    let data: Vec<u8> = (0..2000u32).map(|i| (i & 0xff) as u8).collect();
    let mut hash = prov
        .create_hash(AlgId::MD2, None)
        .ctx("CryptCreateHash(CALG_MD2)")?;
    hash.hash_data(&data).ctx("CryptHashData")?;
    prov.derive_key(alg, &mut hash, KeyFlags::EXPORTABLE.with_key_bits(bits))
        .ctx("CryptDeriveKey")
}

/// `test_import_private`: import the private blob, unwrap the `SIMPLEBLOB` with it (passing
/// `import_len` bytes), check the session key's permissions, and run `then` on it. Then, as the
/// Windows test goes on: the session key is the one the verifier found (a `PLAINTEXTKEYBLOB` of
/// it decrypts the same), a derived RC4 key survives a `SIMPLEBLOB` round trip with the pair, and
/// private blobs cut short down to header + `RSAPUBKEY` + bitlen/2 bytes still import.
fn import_unwrap_then(v: &Vector<'_>, prov: &Provider, fails: &mut Vec<Fail>) {
    let mut soft = Vec::new();
    record(fails, || {
        let unwrap_spec = field(field(v.params, "unwrap_key")?, "import")?;
        let blob_spec = field(v.params, "blob")?;
        let then = field(v.params, "then")?;
        let unwrap = rsa_blob_key(prov, unwrap_spec)?;
        let blob = blob_bytes(blob_spec)?;
        if let Some(len) = opt(blob_spec, "import_len") {
            let len = as_usize(len, "import_len")?;
            if len != blob.len() {
                return Err(
                    format!("import_len {len} but blob_hex has {} bytes", blob.len()).into(),
                );
            }
        }
        let session = prov
            .import_key(&blob, Some(&unwrap), import_flags(blob_spec)?)
            .ctx("CryptImportKey(SIMPLEBLOB)")?;
        check_noted_key_params(v.notes, &session, &mut soft);
        let out = run_then(then, session)?;
        v.check("", &out)?;

        if let Some(session_hex) = v
            .intermediates
            .and_then(|i| i.get("session_key"))
            .and_then(Value::as_str)
        {
            let session_key = unhex(session_hex)?;
            let alg = AlgId::from_raw(u32::from_le_bytes([blob[4], blob[5], blob[6], blob[7]]));
            let plain = prov
                .import_key(&plaintext_blob(alg, &session_key), None, KeyFlags::empty())
                .ctx("CryptImportKey(PLAINTEXTKEYBLOB) of verifier_intermediates.session_key")
                .map_err(Fail::plain)?;
            let again = run_then(then, plain)?;
            if again != out {
                soft.push(mismatch(
                    "then with the verifier's session key",
                    &out,
                    &again,
                ));
            }
            if v.notes.contains("the key derive_key(CALG_RC4, 56) makes") {
                let derived = wine_derive_key(prov, AlgId::RC4, 56)?;
                let exported = derived
                    .export(None, BlobType::PlaintextKeyBlob, 0)
                    .ctx("CryptExportKey(PLAINTEXTKEYBLOB) of the derived key")?;
                if exported.get(12..) != Some(&session_key[..]) {
                    soft.push(mismatch(
                        "derive_key(CALG_RC4, 56)",
                        &session_key,
                        exported.get(12..).unwrap_or(&[]),
                    ));
                }
                let wrapped = derived
                    .export(Some(&unwrap), BlobType::SimpleBlob, 0)
                    .ctx("CryptExportKey(SIMPLEBLOB) with the imported pair")?;
                let back = prov
                    .import_key(&wrapped, Some(&unwrap), KeyFlags::empty())
                    .ctx("CryptImportKey of the re-exported SIMPLEBLOB")?;
                let round_trip = run_then(then, back)?;
                if round_trip != out {
                    soft.push(mismatch(
                        "then after the SIMPLEBLOB round trip",
                        &out,
                        &round_trip,
                    ));
                }
            }
        }

        if v.notes
            .contains("shortened down to header + pubkey + bitlen/2 bytes")
        {
            let private = blob_bytes(unwrap_spec)?;
            let bits =
                u32::from_le_bytes([private[12], private[13], private[14], private[15]]) as usize;
            let mut refused_lens = Vec::new();
            for len in 8 + 12 + bits / 2..private.len() {
                if let Err(e) = prov.import_key(&private[..len], None, KeyFlags::empty()) {
                    refused_lens.push(format!("{len} ({})", error_text(&e)));
                }
            }
            if !refused_lens.is_empty() {
                soft.push(
                    format!(
                        "shortened private blobs refused at lengths {}",
                        refused_lens.join(", ")
                    )
                    .into(),
                );
            }
        }
        Ok(())
    });
    fails.extend(soft);
}

/// `then`: one `CryptDecrypt` / `CryptEncrypt` call with the key; returns its output.
fn run_then(then: &Value, mut key: Key<'_>) -> R<Vec<u8>> {
    let call = str_field(then, "call")?;
    let final_block = bool_field(then, "final")?;
    let mut data = parse_data(field(then, "data")?)?;
    let len = usize_field(then, "data_len")?;
    if len != data.len() {
        return Err(format!("then.data_len {len} but the data has {} bytes", data.len()).into());
    }
    match call {
        "CryptDecrypt" => key.decrypt(&mut data, final_block).ctx("CryptDecrypt")?,
        "CryptEncrypt" => key.encrypt(&mut data, final_block).ctx("CryptEncrypt")?,
        other => return Err(format!("then.call {other:?} not understood").into()),
    }
    Ok(data)
}

/// `test_RC4_salt`'s exchange pair: the private blob's public half is the public blob
/// (`expected`); a session key wrapped with the public blob unwraps with the private one. And,
/// as the notes say of `test_RC4_session_key`: a default RC4 key survives the round trip into a
/// fresh context and decrypts what it encrypted ("Hello World!"), its salt (11 zero bytes on the
/// Base provider's 40-bit default) unchanged.
fn import_exchange_pair(v: &Vector<'_>, prov: &Provider, fails: &mut Vec<Fail>) {
    let mut soft = Vec::new();
    record(fails, || {
        let private = blob_bytes(field(v.params, "private_blob")?)?;
        let public = blob_bytes(field(v.params, "public_blob")?)?;
        if public != v.expected {
            return Err(mismatch(
                "public_blob is not expected",
                &v.expected,
                &public,
            ));
        }
        let pair = prov
            .import_key(&private, None, KeyFlags::empty())
            .ctx("CryptImportKey(PRIVATEKEYBLOB)")?;
        v.check("PUBLICKEYBLOB of the private blob", &public_blob(&pair)?)?;

        // Client: a default RC4 session key, wrapped with the server's public key.
        let mut client_key = prov
            .gen_key(AlgId::RC4, KeyFlags::EXPORTABLE)
            .ctx("CryptGenKey(CALG_RC4, CRYPT_EXPORTABLE)")?;
        let default_salt = if client_key.key_bits() == 40 {
            vec![0; 11]
        } else {
            Vec::new()
        };
        if prov.name() == MS_DEF_PROV && v.notes.contains("40 bits, KP_SALT 11 zero bytes") {
            if client_key.key_bits() != 40 {
                soft.push(
                    format!(
                        "KP_KEYLEN of the default RC4 key: expected 40 got {}",
                        client_key.key_bits()
                    )
                    .into(),
                );
            }
            if client_key.salt() != [0; 11] {
                soft.push(mismatch(
                    "KP_SALT of the default RC4 key",
                    &[0; 11],
                    &client_key.salt(),
                ));
            }
        }
        if client_key.salt() != default_salt {
            soft.push(mismatch(
                "KP_SALT after CryptGenKey",
                &default_salt,
                &client_key.salt(),
            ));
        }
        let server_public = prov
            .import_key(&public, None, KeyFlags::empty())
            .ctx("CryptImportKey(PUBLICKEYBLOB)")?;
        let wrapped = client_key
            .export(Some(&server_public), BlobType::SimpleBlob, 0)
            .ctx("CryptExportKey(SIMPLEBLOB)")?;
        let message = b"Hello World!".to_vec();
        let mut data = message.clone();
        client_key.encrypt(&mut data, true).ctx("CryptEncrypt")?;

        // Server: a fresh context with the private key.
        let server = fresh_verify_context(prov)?;
        let server_pair = server
            .import_key(&private, None, KeyFlags::empty())
            .ctx("CryptImportKey(PRIVATEKEYBLOB) in a fresh context")?;
        let mut server_key = server
            .import_key(&wrapped, Some(&server_pair), KeyFlags::empty())
            .ctx("CryptImportKey(SIMPLEBLOB) in a fresh context")?;
        if server_key.salt() != default_salt {
            soft.push(mismatch(
                "KP_SALT after the SIMPLEBLOB import",
                &default_salt,
                &server_key.salt(),
            ));
        }
        server_key.decrypt(&mut data, true).ctx("CryptDecrypt")?;
        if data != message {
            return Err(mismatch(
                "decrypted after the SIMPLEBLOB round trip",
                &message,
                &data,
            ));
        }
        Ok(())
    });
    fails.extend(soft);
}

/// `test_null_provider`: a private blob imported into a new container; `expected` says which
/// calls then succeed or fail (`"import"`, `"CryptGetUserKey(AT_...)"`: `"succeeds"` or an error
/// name). When the notes add `(Importing <blob>, <ALG>, fills AT_... only.)`, that named blob
/// is imported into another new container and checked the same way.
fn import_into_slots(v: &Vector<'_>, prov: &Provider) -> R<()> {
    let blob = blob_bytes(field(v.params, "blob")?)?;
    let expected = v.behaviour()?;
    let container = TempContainer::new(prov)?;
    let mut fails = Vec::new();
    let import = container.prov.import_key(&blob, None, KeyFlags::empty());
    for (what, want) in expected {
        let want = as_str(want, &format!("expected.{what}"))?;
        let result = match what.as_str() {
            "import" => check_outcome("CryptImportKey", want, import.as_ref().err()),
            "CryptGetUserKey(AT_SIGNATURE)" => check_outcome(
                what,
                want,
                container.prov.user_key(KeySpec::Signature).as_ref().err(),
            ),
            "CryptGetUserKey(AT_KEYEXCHANGE)" => check_outcome(
                what,
                want,
                container.prov.user_key(KeySpec::Exchange).as_ref().err(),
            ),
            other => Err(format!("unconsumed field expected.{other}").into()),
        };
        if let Err(f) = result {
            fails.push(f.render(&[]));
        }
    }
    if let Some((_, rest)) = v.notes.split_once("(Importing ") {
        let (name, rest) = rest
            .split_once(", ")
            .ok_or("the notes' (Importing ...) not understood")?;
        let (_, rest) = rest
            .split_once("fills ")
            .ok_or("the notes' (Importing ...) not understood")?;
        let filled = if rest.starts_with("AT_KEYEXCHANGE only") {
            KeySpec::Exchange
        } else if rest.starts_with("AT_SIGNATURE only") {
            KeySpec::Signature
        } else {
            return Err("the notes' (Importing ...) not understood".into());
        };
        let other = if filled == KeySpec::Exchange {
            KeySpec::Signature
        } else {
            KeySpec::Exchange
        };
        let named = named_blob(name)?;
        let second = TempContainer::new(prov)?;
        let checks = [
            (
                format!("CryptImportKey({name})"),
                "succeeds",
                second
                    .prov
                    .import_key(&named, None, KeyFlags::empty())
                    .err(),
            ),
            (
                format!("CryptGetUserKey({filled:?}) after importing {name}"),
                "succeeds",
                second.prov.user_key(filled).err(),
            ),
            (
                format!("CryptGetUserKey({other:?}) after importing {name}"),
                "NTE_NO_KEY",
                second.prov.user_key(other).err(),
            ),
        ];
        for (what, want, error) in &checks {
            if let Err(f) = check_outcome(what, want, error.as_ref()) {
                fails.push(f.render(&[]));
            }
        }
    }
    if fails.is_empty() {
        Ok(())
    } else {
        Err(fails.join("; ").into())
    }
}

// ---------------------------------------------------------------------------------------------
// other
// ---------------------------------------------------------------------------------------------

/// Behavioural entries. The one kind in the data, `RC4 salt-length behaviour` (`test_RC4_salt`):
/// `CryptGenKey` with the entry's flags, `KP_KEYLEN` and the salt, `KP_SALT_EX` set, a
/// `SIMPLEBLOB` exported with the named public blob, imported in a fresh verify context with
/// the named private blob, and the salt read again.
fn run_other(v: &Vector<'_>, prov: &Provider, fails: &mut Vec<Fail>) {
    let kind = opt(v.params, "kind").and_then(Value::as_str).unwrap_or("");
    if kind.starts_with("RC4 salt-length behaviour") {
        record(fails, || rc4_salt(v, prov));
    } else {
        fails.push(format!("kind {kind:?} has no interpreter").into());
    }
}

/// `KP_SALT_EX set to 11 bytes "0123456789A"; export SIMPLEBLOB with PUBLIC_EXCH_blob;
/// re-import in a fresh CRYPT_VERIFYCONTEXT with PRIVATE_EXCH_blob`: the salt and the two blob
/// names.
fn parse_salt_then(then: &str) -> R<(Vec<u8>, String, String)> {
    let bad = || -> Fail { format!("then {then:?} not understood").into() };
    let mut steps = then.split("; ");
    let salt_step = steps.next().ok_or_else(bad)?;
    let rest = salt_step
        .strip_prefix("KP_SALT_EX set to ")
        .ok_or_else(bad)?;
    let (count, rest) = rest.split_once(" bytes \"").ok_or_else(bad)?;
    let salt = rest.strip_suffix('"').ok_or_else(bad)?.as_bytes().to_vec();
    if count.parse::<usize>().ok() != Some(salt.len()) {
        return Err(bad());
    }
    let public = steps
        .next()
        .and_then(|s| s.strip_prefix("export SIMPLEBLOB with "))
        .ok_or_else(bad)?;
    let private = steps
        .next()
        .and_then(|s| s.strip_prefix("re-import in a fresh CRYPT_VERIFYCONTEXT with "))
        .ok_or_else(bad)?;
    if steps.next().is_some() {
        return Err(bad());
    }
    Ok((salt, public.to_owned(), private.to_owned()))
}

/// A salt expectation: `"all zero"`, `"non-zero (random)"` or `"n/a (length 0)"`.
fn check_salt_words(what: &str, words: &str, salt: &[u8]) -> R<()> {
    let ok = match words {
        "all zero" => salt.iter().all(|&b| b == 0),
        w if w.starts_with("non-zero") => salt.iter().any(|&b| b != 0),
        w if w.starts_with("n/a") => salt.is_empty(),
        other => return Err(format!("{what} {other:?} not understood").into()),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{what}: expected {words} got {}", hex(salt)).into())
    }
}

fn rc4_salt(v: &Vector<'_>, prov: &Provider) -> R<()> {
    let gen_spec = field(v.params, "CryptGenKey")?;
    let alg = alg_field(gen_spec, "alg")?;
    let flags = flags_field(gen_spec)?;
    let (new_salt, public_name, private_name) = parse_salt_then(str_field(v.params, "then")?)?;
    let expected = v.behaviour()?;
    let number = |name: &str| -> R<usize> {
        as_usize(
            expected
                .get(name)
                .ok_or_else(|| format!("expected.{name} missing"))?,
            name,
        )
    };
    let words = |name: &str| -> R<&str> {
        as_str(
            expected
                .get(name)
                .ok_or_else(|| format!("expected.{name} missing"))?,
            name,
        )
    };
    const KNOWN: [&str; 5] = [
        "KP_KEYLEN",
        "KP_SALT_length_after_CryptGenKey",
        "KP_SALT_after_CryptGenKey",
        "KP_SALT_length_after_reimport",
        "KP_SALT_after_reimport",
    ];
    if let Some(unknown) = expected.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(format!("unconsumed field expected.{unknown}").into());
    }
    let mut fails: Vec<String> = Vec::new();

    let mut key = prov
        .gen_key(alg, KeyFlags::from_bits_retain(flags))
        .ctx("CryptGenKey")?;
    let keylen = number("KP_KEYLEN")?;
    if key.key_bits() as usize != keylen {
        fails.push(format!(
            "KP_KEYLEN: expected {keylen} got {}",
            key.key_bits()
        ));
    }
    let salt = key.salt();
    let want_len = number("KP_SALT_length_after_CryptGenKey")?;
    if salt.len() != want_len {
        fails.push(format!(
            "KP_SALT length after CryptGenKey: expected {want_len} got {}",
            salt.len()
        ));
    } else if let Err(f) = check_salt_words(
        "KP_SALT after CryptGenKey",
        words("KP_SALT_after_CryptGenKey")?,
        &salt,
    ) {
        fails.push(f.render(&[]));
    }
    key.set_salt_ex(&new_salt)
        .ctx("CryptSetKeyParam(KP_SALT_EX)")?;
    let public = prov
        .import_key(&named_blob(&public_name)?, None, KeyFlags::empty())
        .ctx(&format!("CryptImportKey({public_name})"))?;
    let wrapped = key
        .export(Some(&public), BlobType::SimpleBlob, 0)
        .ctx("CryptExportKey(SIMPLEBLOB)")?;
    drop((key, public));

    let fresh = fresh_verify_context(prov)?;
    let pair = fresh
        .import_key(&named_blob(&private_name)?, None, KeyFlags::empty())
        .ctx(&format!("CryptImportKey({private_name})"))?;
    let again = fresh
        .import_key(&wrapped, Some(&pair), KeyFlags::empty())
        .ctx("CryptImportKey(SIMPLEBLOB) in a fresh context")?;
    let salt = again.salt();
    let want_len = number("KP_SALT_length_after_reimport")?;
    if salt.len() != want_len {
        fails.push(format!(
            "KP_SALT length after the re-import: expected {want_len} got {}",
            salt.len()
        ));
    } else if let Err(f) = check_salt_words(
        "KP_SALT after the re-import",
        words("KP_SALT_after_reimport")?,
        &salt,
    ) {
        fails.push(f.render(&[]));
    }
    if fails.is_empty() {
        Ok(())
    } else {
        Err(fails.join("; ").into())
    }
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

#[test]
fn hash() {
    run_family("hash", run_hash);
}

#[test]
fn hmac() {
    run_family("hmac", run_hmac);
}

#[test]
fn mac() {
    run_family("mac", run_mac);
}

#[test]
fn derive_key() {
    run_family("derive_key", run_encrypt);
}

#[test]
fn encrypt() {
    run_family("encrypt", run_encrypt);
}

#[test]
fn decrypt() {
    run_family("decrypt", run_decrypt);
}

#[test]
fn import_key() {
    run_family("import_key", run_import);
}

#[test]
fn export_key() {
    run_family("export_key", run_export);
}

#[test]
fn sign() {
    run_family("sign", run_sign);
}

#[test]
fn verify() {
    run_family("verify", run_verify);
}

#[test]
fn other() {
    run_family("other", run_other);
}

/// Every op in the data is run here, and every id is unique: a new op or a duplicated id cannot
/// go unnoticed. Prints the number of entries per op.
#[test]
fn every_op_in_the_data_is_known() {
    let mut unknown = Vec::new();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut ids = BTreeSet::new();
    for entry in entries() {
        let id = entry.get("id").and_then(Value::as_str).unwrap_or("<no id>");
        if !ids.insert(id) {
            unknown.push(format!("{id}: duplicate id"));
        }
        match entry.get("op").and_then(Value::as_str) {
            Some(op) if HARNESSED_OPS.contains(&op) => *counts.entry(op).or_default() += 1,
            other => unknown.push(format!("{id}: unknown op {other:?}")),
        }
    }
    let mut counts: Vec<_> = counts.into_iter().collect();
    counts.sort_unstable();
    println!("entries per op: {counts:?}");
    assert!(unknown.is_empty(), "{}", unknown.join("\n"));
}

/// The harness's own refusals work: an unknown field is reported, disagreeing data forms are
/// refused, `other` entries of an unknown kind are skipped from the structure alone, and the
/// prose the RSA runners read is understood.
#[test]
fn harness_self_check() {
    let entry: Value = serde_json::json!({
        "id": "self/check", "op": "hash", "surprise": true,
        "params": {
            "alg": {"name": "CALG_MD5", "id": 32771, "id_hex": "0x8003"},
            "data": {"hex": "00", "new_field": 1},
            "updates": [{"on": "original hash", "offset": 0, "length": 1, "weight": 2}]
        }
    });
    let found = unconsumed_fields(&entry, "hash");
    for want in [
        "unconsumed field surprise",
        "unconsumed field params.data.new_field",
        "unconsumed field params.updates[].weight",
    ] {
        assert!(
            found.iter().any(|f| f == want),
            "{want} not reported in {found:?}"
        );
    }
    assert_eq!(found.len(), 3, "{found:?}");

    let disagree = serde_json::json!({"counter": {"start": 0, "length": 2}, "hex": "0002"});
    assert!(parse_data(&disagree).is_err());
    let agree =
        serde_json::json!({"repeat": {"byte": "af", "length": 2}, "hex": "afaf", "length": 2});
    assert_eq!(parse_data(&agree).ok(), Some(vec![0xaf, 0xaf]));
    let concat =
        serde_json::json!({"concat": [{"hex": "ff"}, {"counter": {"start": 254, "length": 3}}]});
    assert_eq!(parse_data(&concat).ok(), Some(vec![0xff, 0xfe, 0xff, 0x00]));
    let nul = serde_json::json!({"ascii": "A", "includes_trailing_nul": true});
    assert_eq!(parse_data(&nul).ok(), Some(vec![b'A', 0]));

    let simple = serde_json::json!({"key": {"import": {"blob_type": "SIMPLEBLOB"}}});
    assert!(skip_reason("decrypt", &simple).is_none());
    let unknown_kind = serde_json::json!({"kind": "something new"});
    assert!(skip_reason("other", &unknown_kind).is_some());
    let rc4 = serde_json::json!({"kind": "RC4 salt-length behaviour (no byte output)"});
    assert!(skip_reason("other", &rc4).is_none());
    let entry = serde_json::json!({
        "id": "self/other", "op": "other",
        "params": {"kind": "RC4 salt-length behaviour", "then": "x", "CryptGenKey": {"weight": 1}}
    });
    assert_eq!(
        unconsumed_fields(&entry, "other"),
        ["unconsumed field params.CryptGenKey.weight"]
    );

    let notes = "KP_ALGID = CALG_RSA_KEYX, KP_PERMISSIONS = CRYPT_MAC|CRYPT_READ, export";
    assert_eq!(note_value(notes, "KP_ALGID"), Some("CALG_RSA_KEYX"));
    assert_eq!(
        note_value(notes, "KP_PERMISSIONS"),
        Some("CRYPT_MAC|CRYPT_READ")
    );
    assert_eq!(
        note_value(
            "key has KP_PERMISSIONS CRYPT_MAC|CRYPT_ENCRYPT. Then",
            "KP_PERMISSIONS"
        ),
        Some("CRYPT_MAC|CRYPT_ENCRYPT")
    );
    assert_eq!(
        noted_short_signature("the MD2 signature with length 64 -> NTE_BAD_SIGNATURE."),
        Some(64)
    );
    assert_eq!(
        parse_gen_key_limits(
            "CALG_RC2, 128<<16) works on PROV_RSA_AES but (136<<16) fails.",
            AlgId::RC2
        ),
        Some((128, 136))
    );
    let (salt, public, private) = parse_salt_then(
        "KP_SALT_EX set to 11 bytes \"0123456789A\"; export SIMPLEBLOB with PUBLIC_EXCH_blob; \
         re-import in a fresh CRYPT_VERIFYCONTEXT with PRIVATE_EXCH_blob",
    )
    .ok()
    .unwrap();
    assert_eq!(
        (salt.as_slice(), public.as_str(), private.as_str()),
        (&b"0123456789A"[..], "PUBLIC_EXCH_blob", "PRIVATE_EXCH_blob")
    );
    assert_eq!(
        named_blob("PUBLIC_EXCH_blob").ok().map(|b| b.len()),
        Some(84)
    );
    assert_eq!(
        named_blob("PRIVATE_EXCH_blob").ok().map(|b| b.len()),
        Some(308)
    );
    assert_eq!(
        named_blob("abPlainPrivateKey").ok().map(|b| b.len()),
        Some(596)
    );
}
