//! Every Windows name a porter types into the docs.rs search box finds the item that ports it.
//!
//! rustdoc's search finds an item by its own name and by its `#[doc(alias = "...")]` values.
//! This test reads the crate's source (`src/**/*.rs`; it needs no `cargo doc`) and collects
//! both: the aliases written as attributes (`#[doc(alias = "A", alias = "B")]`,
//! `#[doc(alias("A", "B"))]`, on one line or several) and those the table macros generate from
//! their lines (`open_newtype!`, `windows_enum!`, `error_table!`; the test first checks that
//! each macro's definition still turns those names into aliases). It then checks that:
//!
//! * every Windows name in the first column of the crate docs' `# Porting table` (`CryptXxx`,
//!   `KP_*`, `PP_*`, `HP_*`, `CALG_*`, `AT_*`, `CRYPT_*`, `PROV_*`, `NTE_*`, `ERROR_*`, `MS_*`
//!   and `*BLOB`) is an alias or the name of a public item, so rows added later are checked too;
//! * every `AlgId` constant has its `CALG_*` name, every `ProviderType` constant its `PROV_*`
//!   name, and every `Error` variant its code's `NTE_*` / `ERROR_*` name as an alias, and the
//!   tables read from the source are exactly what the crate's API knows (so nothing is missed
//!   by the parser);
//! * every bitflags constant and every `windows_enum!` variant whose documentation opens with
//!   its Windows name (`` /// `CRYPT_EXPORTABLE`: ... ``) has that name as an alias, and the
//!   flags and variants read from the source are exactly the types' own;
//! * every method aliased with a `KP_*`, `PP_*` or `HP_*` id is also aliased with the
//!   `CryptGet...Param` / `CryptSet...Param` call it stands for.
//!
//! Failures list every missing name. The self-tests at the end run the same checks on
//! synthetic source, proving that each can fail.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is the failure report"
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use cryptoapi::{
    AcquireFlags, AlgId, BlobType, CipherMode, Error, KeyFlags, KeyPermissions, KeySpec,
    ProviderType,
};

/// Prefixes (and one suffix) of the Windows names the porting table is checked for.
const WINDOWS_PREFIXES: &[&str] = &[
    "Crypt", "KP_", "PP_", "HP_", "CALG_", "AT_", "CRYPT_", "PROV_", "NTE_", "ERROR_", "MS_",
];
const WINDOWS_SUFFIX: &str = "BLOB";

/// The table macros whose lines become aliases, and what each definition must contain for
/// that to be true.
const TABLE_MACROS: &[(&str, &[&str])] = &[
    (
        "open_newtype",
        &["#[doc(alias = $win)]", "$(#[doc(alias = $alias)])*"],
    ),
    ("windows_enum", &["$(#[doc(alias = $win)])*"]),
    (
        "error_table",
        &["#[doc(alias = $alias)]", "pub const $win: u32 = $code;"],
    ),
];

/// One line of a table macro invocation.
#[derive(Debug, Clone)]
struct Entry {
    /// `open_newtype`, `windows_enum` or `error_table`.
    table: &'static str,
    /// The type the invocation defines (`AlgId`, `KeySpec`, `Error`).
    ty: String,
    /// The constant or variant.
    name: String,
    /// Its value as written (`0x8004`, `0x8009_0005`).
    value: String,
    /// For `error_table`, the Windows name (`NTE_BAD_DATA`); empty otherwise.
    win: String,
    /// The aliases the macro generates for this line.
    aliases: Vec<String>,
    /// Its documentation, joined.
    doc: String,
}

/// An item with attributes or documentation: a function, constant, flag, variant, type, ...
#[derive(Debug, Clone)]
struct Item {
    file: String,
    /// `fn`, `const`, `struct`, ... or `variant` for anything else.
    kind: String,
    name: String,
    doc: String,
    aliases: Vec<String>,
    /// The bitflags type this item is a flag of, if any.
    flags_of: Option<String>,
    public: bool,
}

/// What the test reads from the crate's source.
struct Source {
    files: Vec<(String, String)>,
    items: Vec<Item>,
    entries: Vec<Entry>,
}

impl Source {
    /// Reads `src/**/*.rs`.
    fn load() -> Source {
        let root = common::crate_src_dir();
        let paths = common::crate_sources();
        let files = paths
            .iter()
            .map(|p| {
                let name = p.strip_prefix(&root).unwrap().display().to_string();
                (name, std::fs::read_to_string(p).unwrap())
            })
            .collect();
        Source::from_files(files)
    }

    /// Parses the given `(file name, text)` pairs (also used on synthetic input).
    fn from_files(files: Vec<(String, String)>) -> Source {
        let mut items = Vec::new();
        let mut entries = Vec::new();
        for (name, text) in &files {
            items.extend(parse_items(name, text));
            entries.extend(parse_tables(text));
        }
        Source {
            files,
            items,
            entries,
        }
    }

    /// Problems with the table macros' definitions: one that no longer emits the aliases this
    /// test counts.
    fn macro_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (name, needed) in TABLE_MACROS {
            let used = self.entries.iter().any(|e| e.table == *name);
            let Some(body) = self.macro_body(name) else {
                if used {
                    problems.push(format!("macro_rules! {name} not found"));
                }
                continue;
            };
            for snippet in *needed {
                if !body.contains(snippet) {
                    problems.push(format!(
                        "macro_rules! {name} no longer contains `{snippet}`"
                    ));
                }
            }
        }
        problems
    }

    fn macro_body(&self, name: &str) -> Option<String> {
        let head = format!("macro_rules! {name} {{");
        self.files.iter().find_map(|(_, text)| {
            let start = text.find(&head)?;
            let rest = &text[start..];
            let end = rest.find("\n}\n").map_or(rest.len(), |e| e + 3);
            Some(rest[..end].to_owned())
        })
    }

    /// Every alias: written as attributes and generated by the table macros.
    fn aliases(&self) -> BTreeSet<String> {
        self.items
            .iter()
            .flat_map(|i| i.aliases.iter())
            .chain(self.entries.iter().flat_map(|e| e.aliases.iter()))
            .cloned()
            .collect()
    }

    /// Every name the docs.rs search finds: aliases, and public items' own names (including
    /// the `codes::*` constants `error_table!` defines).
    fn findable(&self) -> BTreeSet<String> {
        let mut names = self.aliases();
        names.extend(
            self.items
                .iter()
                .filter(|i| i.public)
                .map(|i| i.name.clone()),
        );
        names.extend(
            self.entries
                .iter()
                .filter(|e| e.table == "error_table")
                .map(|e| e.win.clone()),
        );
        names
    }

    fn lib_rs(&self) -> &str {
        self.files
            .iter()
            .find(|(name, _)| name == "lib.rs")
            .map(|(_, text)| text.as_str())
            .expect("src/lib.rs")
    }

    fn table(&self, ty: &str) -> Vec<&Entry> {
        self.entries.iter().filter(|e| e.ty == ty).collect()
    }

    /// Windows names of the porting table that no search finds.
    fn porting_table_missing(&self) -> Vec<String> {
        let names = porting_table_names(self.lib_rs());
        let findable = self.findable();
        names
            .into_iter()
            .filter(|n| !findable.contains(n))
            .collect()
    }

    /// Flags and `windows_enum!` variants whose documentation opens with a Windows name that is
    /// not among their aliases.
    fn documented_names_missing(&self) -> Vec<String> {
        let mut missing = Vec::new();
        let flags = self.items.iter().filter(|i| i.flags_of.is_some());
        for item in flags {
            if let Some(win) = leading_windows_name(&item.doc)
                && win != item.name
                && !item.aliases.contains(&win)
            {
                let ty = item.flags_of.as_deref().unwrap_or_default();
                missing.push(format!("{ty}::{} ({win})", item.name));
            }
        }
        for entry in self.entries.iter().filter(|e| e.table == "windows_enum") {
            if let Some(win) = leading_windows_name(&entry.doc)
                && !entry.aliases.contains(&win)
            {
                missing.push(format!("{}::{} ({win})", entry.ty, entry.name));
            }
        }
        missing
    }

    /// Methods with a `KP_*` / `PP_*` / `HP_*` alias but not the `Crypt*Param` call's.
    fn param_calls_missing(&self) -> Vec<String> {
        let mut missing = Vec::new();
        for item in self.items.iter().filter(|i| i.kind == "fn") {
            let verb = if item.name.starts_with("set_") {
                "Set"
            } else {
                "Get"
            };
            let mut needed = BTreeSet::new();
            for alias in &item.aliases {
                let object = match alias.split('_').next() {
                    Some("KP") => "Key",
                    Some("PP") => "Prov",
                    Some("HP") => "Hash",
                    _ => continue,
                };
                needed.insert(format!("Crypt{verb}{object}Param"));
            }
            for call in needed {
                if !item.aliases.contains(&call) {
                    missing.push(format!("{} fn {} ({call})", item.file, item.name));
                }
            }
        }
        missing
    }
}

/// The string literals in `text` (no escapes are expected in names).
fn string_literals(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('"') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('"') else { break };
        out.push(after[..end].to_owned());
        rest = &after[end + 1..];
    }
    out
}

/// The aliases of one `#[doc(...)]` attribute's text: `alias = "A"` and `alias("A", "B")`.
fn attribute_aliases(attr: &str) -> Vec<String> {
    let Some(inner) = attr.trim().strip_prefix("#[doc(") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut rest = inner;
    while let Some(at) = rest.find("alias") {
        let after = rest[at + "alias".len()..].trim_start();
        if let Some(value) = after.strip_prefix('=') {
            let value = value.trim_start();
            if let Some(lit) = value.strip_prefix('"')
                && let Some(end) = lit.find('"')
            {
                out.push(lit[..end].to_owned());
                rest = &lit[end + 1..];
                continue;
            }
        } else if let Some(list) = after.strip_prefix('(') {
            let end = list.find(')').unwrap_or(list.len());
            out.extend(string_literals(&list[..end]));
            rest = &list[end..];
            continue;
        }
        rest = &rest[at + "alias".len()..];
    }
    out
}

/// Items with their documentation and aliases, line by line: doc comments and attributes
/// (joined when they span lines) gather until the line that starts the item.
fn parse_items(file: &str, text: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut doc = String::new();
    let mut aliases = Vec::new();
    let mut flags_of: Option<String> = None;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim();
        if let Some(d) = trimmed.strip_prefix("///") {
            doc.push_str(d.trim());
            doc.push(' ');
            continue;
        }
        if trimmed.starts_with("#[") || trimmed.starts_with("#![") {
            let mut attr = trimmed.to_owned();
            while attr.matches('[').count() > attr.matches(']').count() {
                let Some(next) = lines.next() else { break };
                attr.push(' ');
                attr.push_str(next.trim());
            }
            aliases.extend(attribute_aliases(&attr));
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with("//") {
            continue;
        }
        if trimmed.starts_with("bitflags! {") {
            flags_of = Some(String::new());
        } else if line == "}" {
            flags_of = None;
        }
        if let Some(ty) = &mut flags_of
            && let Some(rest) = trimmed.strip_prefix("pub struct ")
        {
            *ty = rest.split([':', ' ']).next().unwrap_or_default().to_owned();
        }
        if let Some((kind, name, public)) = item_name(trimmed)
            && (!doc.is_empty() || !aliases.is_empty())
        {
            let in_flags = flags_of.as_ref().filter(|_| kind == "const").cloned();
            items.push(Item {
                file: file.to_owned(),
                kind,
                name,
                doc: std::mem::take(&mut doc),
                aliases: std::mem::take(&mut aliases),
                flags_of: in_flags,
                public,
            });
        }
        doc.clear();
        aliases.clear();
    }
    items
}

/// The kind and name of the item a line starts, and whether it is `pub`.
fn item_name(line: &str) -> Option<(String, String, bool)> {
    let words: Vec<&str> = line
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '(' || c == ')'))
        .filter(|w| !w.is_empty())
        .collect();
    let public = words.first() == Some(&"pub");
    const KINDS: &[&str] = &[
        "fn",
        "const",
        "static",
        "struct",
        "enum",
        "type",
        "mod",
        "trait",
        "macro_rules",
    ];
    for (i, word) in words.iter().enumerate() {
        if KINDS.contains(word) {
            let name = words.get(i + 1)?;
            let name = name.split('(').next().unwrap_or_default();
            if name == "fn" {
                continue; // `const fn`
            }
            return Some((word.to_string(), name.to_owned(), public));
        }
        if !matches!(*word, "pub" | "pub(crate)" | "unsafe" | "async" | "extern") {
            break;
        }
    }
    let first = line
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()?;
    (!first.is_empty()).then(|| ("variant".to_owned(), first.to_owned(), false))
}

/// The lines of every table macro invocation in `text`.
fn parse_tables(text: &str) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut table: Option<&'static str> = None;
    let mut ty = String::new();
    let mut doc = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some((name, _)) = TABLE_MACROS
            .iter()
            .find(|(name, _)| line == format!("{name}! {{"))
        {
            table = Some(name);
            ty = if *name == "error_table" {
                "Error".to_owned()
            } else {
                String::new()
            };
            continue;
        }
        let Some(current) = table else { continue };
        if line == "}" {
            table = None;
            continue;
        }
        if let Some(d) = trimmed.strip_prefix("///") {
            doc.push_str(d.trim());
            doc.push(' ');
            continue;
        }
        for head in ["pub struct ", "pub enum "] {
            if let Some(rest) = trimmed.strip_prefix(head) {
                ty = rest
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
                    .unwrap_or_default()
                    .to_owned();
            }
        }
        if let Some(entry) = parse_entry(current, &ty, trimmed) {
            entries.push(Entry {
                doc: std::mem::take(&mut doc),
                ..entry
            });
        }
        doc.clear();
    }
    entries
}

/// One table line: `NAME = value, "WIN", "OTHER";` (`open_newtype`),
/// `Variant = value, "WIN";` or `Variant = value;` (`windows_enum`),
/// `Variant = WIN: code => "text", alias "WIN";` (`error_table`).
fn parse_entry(table: &'static str, ty: &str, line: &str) -> Option<Entry> {
    let body = line.strip_suffix(';')?;
    let (name, rest) = body.split_once(" = ")?;
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let (value, win, aliases) = if table == "error_table" {
        let (win, rest) = rest.split_once(": ")?;
        let (code, rest) = rest.split_once(" => ")?;
        let alias = rest.rsplit_once(" alias ")?.1;
        (code.to_owned(), win.to_owned(), string_literals(alias))
    } else {
        let (value, names) = rest.split_once(',').unwrap_or((rest, ""));
        (
            value.trim().to_owned(),
            String::new(),
            string_literals(names),
        )
    };
    Some(Entry {
        table,
        ty: ty.to_owned(),
        name: name.to_owned(),
        value,
        win,
        aliases,
        doc: String::new(),
    })
}

/// A literal as written in the source: decimal or `0x` hex, with `_` separators.
fn parse_value(literal: &str) -> u32 {
    let digits = literal.replace('_', "");
    match digits.strip_prefix("0x") {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => digits.parse(),
    }
    .unwrap_or_else(|_| panic!("not a number: {literal}"))
}

fn is_windows_name(word: &str) -> bool {
    word.len() > 2
        && (WINDOWS_PREFIXES.iter().any(|p| word.starts_with(p)) || word.ends_with(WINDOWS_SUFFIX))
        && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && (word.starts_with("Crypt") || !word.chars().any(|c| c.is_ascii_lowercase()))
}

/// The Windows name a doc comment opens with (`` `CRYPT_EXPORTABLE`: ... ``), if any: an
/// upper-case identifier in backticks.
fn leading_windows_name(doc: &str) -> Option<String> {
    let name = doc.strip_prefix('`')?.split('`').next()?;
    let upper = name.len() > 2
        && name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    upper.then(|| name.to_owned())
}

/// Every Windows name in the first column of the `# Porting table` in the crate docs.
fn porting_table_names(lib_rs: &str) -> BTreeSet<String> {
    let mut lines = lib_rs
        .lines()
        .skip_while(|l| l.trim() != "//! # Porting table");
    assert!(lines.next().is_some(), "no `# Porting table` in src/lib.rs");
    let rows = lines
        .skip_while(|l| !l.starts_with("//! |"))
        .take_while(|l| l.starts_with("//! |"));
    let mut names = BTreeSet::new();
    for (i, row) in rows.enumerate() {
        if i < 2 {
            continue; // the header and its `|---|---|`
        }
        let first = row.trim_start_matches("//! |").split('|').next().unwrap();
        for code in first.split('`').skip(1).step_by(2) {
            for word in code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                if is_windows_name(word) {
                    names.insert(word.to_owned());
                }
            }
        }
    }
    names
}

fn report(what: &str, missing: &[String]) {
    assert!(
        missing.is_empty(),
        "{what} ({}):\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
}

#[test]
fn table_macros_emit_their_aliases() {
    let source = Source::load();
    report(
        "table macros that no longer emit aliases",
        &source.macro_problems(),
    );
}

#[test]
fn every_porting_table_name_is_searchable() {
    let source = Source::load();
    let names = porting_table_names(source.lib_rs());
    assert!(
        names.len() >= 40,
        "found only {} Windows names in the porting table: {names:?}",
        names.len()
    );
    report(
        "Windows names of the porting table that no `#[doc(alias)]` or item name finds",
        &source.porting_table_missing(),
    );
}

#[test]
fn every_alg_id_and_provider_type_has_its_windows_name() {
    let source = Source::load();
    let aliases = source.aliases();
    let mut missing = Vec::new();
    for (ty, prefix, count) in [("AlgId", "CALG_", 29), ("ProviderType", "PROV_", 10)] {
        let table = source.table(ty);
        assert!(
            table.len() >= count,
            "read {} {ty} constants from the source, expected at least {count}",
            table.len()
        );
        let mut read = BTreeSet::new();
        for entry in table {
            let raw = parse_value(&entry.value);
            let known = match ty {
                "AlgId" => AlgId::from_raw(raw).windows_name(),
                _ => ProviderType::from_raw(raw).windows_name(),
            };
            // A constant with no alias is named exactly as in Windows (the table's
            // `@same_name` block: AT_KEYEXCHANGE), so search finds it by its own name.
            let same_name = entry.aliases.is_empty();
            let expected = entry.aliases.first().unwrap_or(&entry.name);
            assert_eq!(
                known,
                Some(expected.as_str()),
                "{ty}::{}: the source and the API disagree",
                entry.name
            );
            if !same_name && !entry.aliases.iter().any(|a| a.starts_with(prefix)) {
                missing.push(format!("{ty}::{} (no {prefix}* alias)", entry.name));
            }
            read.insert(raw);
        }
        for raw in 0..=0xFFFF_u32 {
            let known = match ty {
                "AlgId" => AlgId::from_raw(raw).windows_name(),
                _ => ProviderType::from_raw(raw).windows_name(),
            };
            if let Some(name) = known {
                assert!(
                    read.contains(&raw),
                    "{ty} {raw:#x} ({name}) was not read from the source"
                );
                if !aliases.contains(name) {
                    missing.push(format!("{ty} {name}"));
                }
            }
        }
    }
    assert!(aliases.contains("CALG_SHA") && aliases.contains("CALG_SHA1"));
    report("constants without their Windows name as alias", &missing);
}

#[test]
fn every_error_variant_has_its_code_name() {
    let source = Source::load();
    let aliases = source.aliases();
    let table = source.table("Error");
    assert!(table.len() >= 40, "read {} error codes", table.len());
    let mut missing = Vec::new();
    let mut read = BTreeSet::new();
    for entry in &table {
        let code = parse_value(&entry.value);
        let err = Error::from_code(code);
        assert_eq!(err.windows_name(), Some(entry.win.as_str()), "{entry:?}");
        let debug = format!("{err:?}");
        assert_eq!(
            debug.split('(').next(),
            Some(entry.name.as_str()),
            "{entry:?}: Debug is {debug}"
        );
        assert!(
            entry.win.starts_with("NTE_") || entry.win.starts_with("ERROR_"),
            "{}",
            entry.win
        );
        if entry.aliases != [entry.win.clone()] {
            missing.push(format!("Error::{} ({})", entry.name, entry.win));
        }
        read.insert(code);
    }
    for code in (0..=0xFFFF_u32).chain(0x8009_0000..=0x8009_0FFF) {
        if let Some(name) = Error::from_code(code).windows_name() {
            assert!(
                read.contains(&code),
                "{name} ({code:#x}) was not read from the source"
            );
            if !aliases.contains(name) {
                missing.push(name.to_owned());
            }
        }
    }
    report("error codes without an alias", &missing);
}

#[test]
fn every_flag_and_variant_has_its_windows_name() {
    let source = Source::load();
    // What the source says must be what the types have.
    let mut flags: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in &source.items {
        if let Some(ty) = &item.flags_of {
            flags
                .entry(ty.clone())
                .or_default()
                .insert(item.name.clone());
        }
    }
    let names = |iter: &mut dyn Iterator<Item = &str>| -> BTreeSet<String> {
        iter.map(str::to_owned).collect()
    };
    let api: BTreeMap<String, BTreeSet<String>> = [
        (
            "KeyFlags",
            names(&mut KeyFlags::all().iter_names().map(|(n, _)| n)),
        ),
        (
            "KeyPermissions",
            names(&mut KeyPermissions::all().iter_names().map(|(n, _)| n)),
        ),
        (
            "AcquireFlags",
            names(&mut AcquireFlags::all().iter_names().map(|(n, _)| n)),
        ),
    ]
    .into_iter()
    .map(|(t, n)| (t.to_owned(), n))
    .collect();
    // `iter_names` skips a second name for bits already named (`KeyFlags::OAEP` is `PREGEN`'s
    // bit), so the source may name more flags than it yields; each must still be a flag.
    let known = |ty: &str, name: &str| match ty {
        "KeyFlags" => KeyFlags::from_name(name).is_some(),
        "KeyPermissions" => KeyPermissions::from_name(name).is_some(),
        _ => AcquireFlags::from_name(name).is_some(),
    };
    for (ty, names) in &api {
        let read = flags.get(ty).cloned().unwrap_or_default();
        assert!(
            read.is_superset(names),
            "the flags of {ty} in the source: {read:?}, the API: {names:?}"
        );
        for name in &read {
            assert!(
                known(ty, name),
                "{ty}::{name} is read from the source but is no flag"
            );
        }
    }
    for (ty, debug) in [
        (
            "KeySpec",
            variants(|v| KeySpec::from_raw(v).map(|x| format!("{x:?}"))),
        ),
        (
            "CipherMode",
            variants(|v| CipherMode::from_raw(v).map(|x| format!("{x:?}"))),
        ),
        (
            "BlobType",
            variants(|v| BlobType::from_raw(v).map(|x| format!("{x:?}"))),
        ),
    ] {
        let read: BTreeMap<u32, String> = source
            .table(ty)
            .iter()
            .map(|e| (parse_value(&e.value), e.name.clone()))
            .collect();
        assert_eq!(read, debug, "the variants of {ty} in the source");
    }
    report(
        "flags and variants whose documented Windows name is not an alias",
        &source.documented_names_missing(),
    );
}

fn variants(from_raw: impl Fn(u32) -> Option<String>) -> BTreeMap<u32, String> {
    (0..=0xFFFF)
        .filter_map(|v| Some((v, from_raw(v)?)))
        .collect()
}

#[test]
fn every_parameter_getter_and_setter_names_its_call() {
    let source = Source::load();
    let params = source
        .items
        .iter()
        .filter(|i| i.kind == "fn")
        .filter(|i| i.aliases.iter().any(|a| a.starts_with("KP_")))
        .count();
    assert!(
        params >= 15,
        "only {params} methods with a KP_* alias were read"
    );
    report(
        "parameter methods without their Crypt*Param alias",
        &source.param_calls_missing(),
    );
}

// Self-tests: the checks above can fail.

const SYNTHETIC_LIB: &str = "\
//! # Porting table
//!
//! | wincrypt | `cryptoapi` |
//! |---|---|
//! | `CryptFoo` / `CryptBar(KP_BAZ / PP_QUUX)` | [`Foo::foo`] |
//! | `SIMPLEBLOB`, `hHash` | ignored lowercase |
//! | `MS_DEF_PROV` | a constant |
//!
//! After the table: `CryptNotInTheTable`.
";

const SYNTHETIC_SRC: &str = r#"
/// `MS_DEF_PROV`.
pub const MS_DEF_PROV: &str = "x";

impl Foo {
    /// Foo.
    #[doc(alias = "CryptFoo", alias = "SIMPLEBLOB")]
    pub fn foo(&self) {}

    /// Bar.
    #[doc(
        alias = "CryptBar",
        alias = "KP_BAZ"
    )]
    #[must_use]
    pub fn bar(&self) -> u32 { 0 }

    /// Sets it.
    #[doc(alias("CryptGetKeyParam", "KP_IV"))]
    pub fn set_iv(&mut self) {}
}

bitflags! {
    /// Flags.
    pub struct Flags: u32 {
        /// `CRYPT_ONE`: aliased.
        #[doc(alias = "CRYPT_ONE")]
        const ONE = 1;
        /// `CRYPT_TWO`: not aliased.
        const TWO = 2;
        /// Not a Windows name.
        const THREE = 4;
    }
}

windows_enum! {
    /// A kind.
    pub enum Kind ("`K_*`") {
        /// `AT_ONE` (1): aliased.
        One = 1, "AT_ONE";
        /// `AT_TWO` (2): not aliased.
        Two = 2;
        /// Nothing (3).
        Three = 3;
    }
}

error_table! {
    /// Bad.
    Bad = NTE_BAD: 0x8009_0001 => "bad", alias "NTE_BAD";
}
"#;

fn synthetic() -> Source {
    Source::from_files(vec![
        ("lib.rs".to_owned(), SYNTHETIC_LIB.to_owned()),
        ("foo.rs".to_owned(), SYNTHETIC_SRC.to_owned()),
    ])
}

#[test]
fn self_test_reads_every_alias_form() {
    let source = synthetic();
    let aliases = source.aliases();
    for alias in [
        "CryptFoo",
        "SIMPLEBLOB",
        "CryptBar",
        "KP_BAZ",
        "CryptGetKeyParam",
        "KP_IV",
        "CRYPT_ONE",
        "AT_ONE",
        "NTE_BAD",
    ] {
        assert!(aliases.contains(alias), "{alias} not read: {aliases:?}");
    }
    assert!(!aliases.contains("bad"), "a Display text read as an alias");
    assert!(
        !aliases.contains("x"),
        "a constant's value read as an alias"
    );
    let bar = source.items.iter().find(|i| i.name == "bar").unwrap();
    assert_eq!(bar.kind, "fn");
    assert_eq!(bar.aliases, ["CryptBar", "KP_BAZ"]);
    assert_eq!(
        porting_table_names(SYNTHETIC_LIB),
        [
            "CryptBar",
            "CryptFoo",
            "KP_BAZ",
            "MS_DEF_PROV",
            "PP_QUUX",
            "SIMPLEBLOB"
        ]
        .map(str::to_owned)
        .into()
    );
}

#[test]
fn self_test_reports_a_porting_table_name_without_alias() {
    let source = synthetic();
    // `MS_DEF_PROV` is found by its own name; `PP_QUUX` by nothing.
    assert_eq!(source.porting_table_missing(), ["PP_QUUX"]);
    let message = std::panic::catch_unwind(|| report("missing", &source.porting_table_missing()))
        .unwrap_err();
    let message = message.downcast_ref::<String>().unwrap();
    assert!(message.contains("PP_QUUX"), "{message}");
}

#[test]
fn self_test_reports_flags_variants_and_calls_without_alias() {
    let source = synthetic();
    assert_eq!(
        source.documented_names_missing(),
        ["Flags::TWO (CRYPT_TWO)", "Kind::Two (AT_TWO)"]
    );
    // `bar` has `KP_BAZ` but not `CryptGetKeyParam`; `set_iv` has the Get call, not the Set.
    assert_eq!(
        source.param_calls_missing(),
        [
            "foo.rs fn bar (CryptGetKeyParam)",
            "foo.rs fn set_iv (CryptSetKeyParam)"
        ]
    );
    // No macro definitions in the synthetic source, but its tables use them.
    let problems = source.macro_problems();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("windows_enum")));
}

#[test]
fn self_test_reports_a_macro_that_stops_emitting_aliases() {
    let real = Source::load();
    let files = real
        .files
        .iter()
        .map(|(name, text)| {
            let text = text.replace("$(#[doc(alias = $win)])*", "");
            (name.clone(), text)
        })
        .collect();
    let broken = Source::from_files(files);
    assert_eq!(
        broken.macro_problems(),
        ["macro_rules! windows_enum no longer contains `$(#[doc(alias = $win)])*`"]
    );
}
