//! Files: `-` is standard input or output; an output file is written to a temporary file in
//! its directory and renamed over the target only when everything worked, so a failure never
//! leaves a partial or empty output behind.

use std::io::{Read, Write};
use std::path::Path;

use crate::Failure;

/// Everything in `name` (`-`: standard input).
pub(crate) fn read_all(name: &str) -> Result<cryptoapi::Zeroizing<Vec<u8>>, Failure> {
    let mut data = cryptoapi::Zeroizing::new(Vec::new());
    if name == "-" {
        std::io::stdin()
            .read_to_end(&mut data)
            .map_err(|e| Failure::plain(format!("cannot read standard input: {e}")))?;
    } else {
        *data =
            std::fs::read(name).map_err(|e| Failure::plain(format!("cannot read {name}: {e}")))?;
    }
    Ok(data)
}

/// An output being written: a temporary file beside the target, or standard output.
pub(crate) enum Output {
    Stdout(std::io::StdoutLock<'static>),
    File {
        temp: tempfile::NamedTempFile,
        target: std::path::PathBuf,
    },
}

impl Output {
    /// Starts the output `name` (`-`: standard output).
    pub(crate) fn create(name: &str) -> Result<Output, Failure> {
        if name == "-" {
            return Ok(Output::Stdout(std::io::stdout().lock()));
        }
        let target = Path::new(name).to_path_buf();
        let dir = match target.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        let temp = tempfile::Builder::new()
            .prefix(".cryptoapi-")
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(|e| {
                Failure::plain(format!("cannot create a file in {}: {e}", dir.display()))
            })?;
        Ok(Output::File { temp, target })
    }

    /// Writes bytes.
    pub(crate) fn write(&mut self, data: &[u8]) -> Result<(), Failure> {
        let result = match self {
            Output::Stdout(out) => out.write_all(data),
            Output::File { temp, .. } => temp.write_all(data),
        };
        result.map_err(|e| Failure::plain(format!("cannot write the output: {e}")))
    }

    /// Flushes, syncs and renames the temporary file over the target. Dropping an `Output`
    /// without finishing it deletes the temporary file.
    pub(crate) fn finish(self) -> Result<(), Failure> {
        match self {
            Output::Stdout(mut out) => out
                .flush()
                .map_err(|e| Failure::plain(format!("cannot write standard output: {e}"))),
            Output::File { temp, target } => {
                temp.as_file().sync_all().map_err(|e| {
                    Failure::plain(format!("cannot write {}: {e}", target.display()))
                })?;
                temp.persist(&target).map(drop).map_err(|e| {
                    Failure::plain(format!("cannot write {}: {}", target.display(), e.error))
                })
            }
        }
    }
}

/// Writes `data` to `name` in one piece, as [`Output`] does.
pub(crate) fn write_all(name: &str, data: &[u8]) -> Result<(), Failure> {
    let mut out = Output::create(name)?;
    out.write(data)?;
    out.finish()
}

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes from hex (whitespace and a `0x` prefix allowed).
pub(crate) fn unhex(text: &str, what: &str) -> Result<Vec<u8>, Failure> {
    let digits: String = text
        .trim()
        .trim_start_matches("0x")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let bad = || Failure::plain(format!("{what} is not hex: {text}"));
    if !digits.len().is_multiple_of(2) {
        return Err(bad());
    }
    (0..digits.len())
        .step_by(2)
        .map(|i| {
            digits
                .get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(bad)
        })
        .collect()
}
