//! Windows known-answer vectors: every `hash`, `hmac`, `mac`, `derive_key`, `encrypt` and
//! `decrypt` entry of `tests/data/windows-kat.json` (see `windows-kat.README.md`), run through
//! the public API on every provider the entry lists.
//!
//! The harness is data-driven and strict:
//!
//! * one `#[test]` per op family; a family runs all of its entries, collects every failure as
//!   `<id> [<provider>]: expected <hex> got <hex or error>`, prints a summary line and panics at
//!   the end with the whole list;
//! * every key under `params` must be on the op's allow-list ([`allowed_param_paths`]), so a new
//!   vector field cannot be ignored silently ("unconsumed field X");
//! * the only skips are entries whose key comes from an RSA blob (`SIMPLEBLOB`,
//!   `PRIVATEKEYBLOB`, `PUBLICKEYBLOB`), decided from `key.import.blob_type`; they are counted
//!   and listed with the reason;
//! * hashes, HMACs and MACs are also fed in chunks of every size from 1 to 17 bytes, and every
//!   ciphertext is decrypted back to its plaintext with a fresh key built the same way.
//!
//! Everything runs in verify contexts of an in-memory key store: nothing touches the disk.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::sync::OnceLock;

use cryptoapi::{
    AcquireFlags, AlgId, CipherMode, HmacInfo, Key, KeyFlags, KeyStore, MS_DEF_PROV,
    MS_ENH_RSA_AES_PROV, MS_ENHANCED_PROV, MS_STRONG_PROV, Provider, ProviderType,
};
use serde_json::Value;

const KAT_JSON: &str = include_str!("data/windows-kat.json");

/// The ops this harness runs, one test each.
const HARNESSED_OPS: [&str; 6] = ["hash", "hmac", "mac", "derive_key", "encrypt", "decrypt"];
/// Ops present in the data that need features the crate does not have yet (RSA, key blobs,
/// signatures); [`every_op_in_the_data_is_known`] makes sure no other op appears unnoticed.
const NOT_YET_HARNESSED_OPS: [&str; 5] = ["import_key", "export_key", "sign", "verify", "other"];

/// The SHA-2 hashes: `PROV_RSA_AES` only; `PROV_RSA_FULL` providers refuse them with
/// `NTE_BAD_ALGID` (`CryptCreateHash`).
const SHA2_IDS: [u32; 3] = [0x800c, 0x800d, 0x800e];
const NTE_BAD_ALGID: u32 = 0x8009_0008;

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
    for leaf in ["blob_name", "flags_text", "how"] {
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

/// Why an entry cannot run yet, decided from its structure: its key comes from an RSA blob.
fn skip_reason(params: &Value) -> Option<String> {
    let blob_type = params
        .get("key")?
        .get("import")?
        .get("blob_type")?
        .as_str()?;
    ["SIMPLEBLOB", "PRIVATEKEYBLOB", "PUBLICKEYBLOB"]
        .into_iter()
        .find(|t| blob_type.starts_with(t))
        .map(|t| format!("key imported from a {t}: RSA key blobs are not implemented yet"))
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
    params: &Value,
    soft: &mut Vec<Fail>,
) -> R<(Key<'p>, KeyInfo)> {
    let spec = field(params, "key")?;
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
        if !blob_type.starts_with("PLAINTEXTKEYBLOB") {
            return Err(format!(
                "key.import.blob_type {blob_type:?} is not supported by the harness"
            )
            .into());
        }
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
    params: &Value,
    soft: &mut Vec<Fail>,
) -> R<(Key<'p>, KeyInfo)> {
    let (mut key, info) = build_key(prov, params, soft)?;
    apply_mode(&mut key, params)?;
    apply_iv(&mut key, params)?;
    Ok((key, info))
}

// ---------------------------------------------------------------------------------------------
// Vectors and the family runner
// ---------------------------------------------------------------------------------------------

struct Vector<'a> {
    params: &'a Value,
    expected: Vec<u8>,
    /// Older Windows results (`also_accepted`): the crate must not produce them.
    also_accepted: Vec<(Vec<u8>, String)>,
}

impl Vector<'_> {
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

/// Parses the parts of an entry every op shares: expected bytes, `also_accepted`, providers.
fn parse_vector<'a>(entry: &'a Value, params: &'a Value) -> R<(Vector<'a>, Vec<ProvSpec>)> {
    let expected = unhex(as_str(field(entry, "expected")?, "expected")?)?;
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
            also_accepted,
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
    if let Some(reason) = skip_reason(params) {
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
        let (key, _) = build_key(prov, v.params, fails)?;
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
        let (key, _) = cipher_key(prov, v.params, fails)?;
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
        let (mut key, _) = cipher_key(prov, v.params, &mut soft)?;
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
        let (mut key, _) = cipher_key(prov, v.params, &mut soft)?;
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
        let (mut key, _) = cipher_key(prov, v.params, &mut soft)?;
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

/// Every op in the data is either run here or known to be waiting for RSA support, and every
/// id is unique: a new op or a duplicated id cannot go unnoticed.
#[test]
fn every_op_in_the_data_is_known() {
    let mut unknown = Vec::new();
    let mut waiting: HashMap<&str, usize> = HashMap::new();
    let mut ids = BTreeSet::new();
    for entry in entries() {
        let id = entry.get("id").and_then(Value::as_str).unwrap_or("<no id>");
        if !ids.insert(id) {
            unknown.push(format!("{id}: duplicate id"));
        }
        match entry.get("op").and_then(Value::as_str) {
            Some(op) if HARNESSED_OPS.contains(&op) => {}
            Some(op) if NOT_YET_HARNESSED_OPS.contains(&op) => *waiting.entry(op).or_default() += 1,
            other => unknown.push(format!("{id}: unknown op {other:?}")),
        }
    }
    let mut waiting: Vec<_> = waiting.into_iter().collect();
    waiting.sort_unstable();
    println!("not harnessed yet (RSA, key blobs, signatures): {waiting:?}");
    assert!(unknown.is_empty(), "{}", unknown.join("\n"));
}

/// The harness's own refusals work: an unknown field is reported, disagreeing data forms are
/// refused, and RSA-blob keys are skipped from the structure alone.
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
    assert!(skip_reason(&simple).is_some());
    let plain = serde_json::json!({"key": {"import": {"blob_type": "PLAINTEXTKEYBLOB (8)"}}});
    assert!(skip_reason(&plain).is_none());
}
