//! Passwords: from the first line of a file, from an environment variable, or from a no-echo
//! prompt on a terminal; never from an argument. Held in wiping buffers.

use std::io::IsTerminal;
use std::path::Path;

use cryptoapi::Zeroizing;

use crate::{Failure, PasswordArgs};

/// A password's bytes (UTF-8, no terminator), wiped on drop.
pub(crate) type Password = Zeroizing<Vec<u8>>;

/// The first line of `path`, without its line ending.
fn from_file(path: &Path) -> Result<Password, Failure> {
    let text = Zeroizing::new(std::fs::read(path).map_err(|e| {
        Failure::plain(format!(
            "cannot read the password file {}: {e}",
            path.display()
        ))
    })?);
    let line = text.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    Ok(Zeroizing::new(line.to_vec()))
}

fn from_env(var: &str) -> Result<Password, Failure> {
    let value = std::env::var_os(var)
        .ok_or_else(|| Failure::plain(format!("the environment variable {var} is not set")))?;
    let value = value
        .into_string()
        .map_err(|_| Failure::plain(format!("the environment variable {var} is not UTF-8")))?;
    Ok(Zeroizing::new(value.into_bytes()))
}

fn prompt(question: &str) -> Result<Password, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::plain(
            "a password is needed: give --password-file or --password-env (no terminal to ask on)",
        ));
    }
    let answer = rpassword::prompt_password(question)
        .map_err(|e| Failure::plain(format!("cannot read the password: {e}")))?;
    Ok(Zeroizing::new(answer.into_bytes()))
}

/// The input's password: `--password-file`, `--password-env`, else a prompt.
pub(crate) fn input(args: &PasswordArgs, what: &str) -> Result<Password, Failure> {
    given(args.password_file.as_deref(), args.password_env.as_deref())
        .unwrap_or_else(|| prompt(&format!("Password for {what}: ")))
}

/// The input's password if one was given on the command line (no prompt).
pub(crate) fn given_input(args: &PasswordArgs) -> Option<Result<Password, Failure>> {
    given(args.password_file.as_deref(), args.password_env.as_deref())
}

/// A password from a file or a variable, when one of them was named.
pub(crate) fn given(file: Option<&Path>, env: Option<&str>) -> Option<Result<Password, Failure>> {
    match (file, env) {
        (Some(path), _) => Some(from_file(path)),
        (None, Some(var)) => Some(from_env(var)),
        (None, None) => None,
    }
}

/// A new password for an output, asked twice on a terminal.
pub(crate) fn new_password(what: &str) -> Result<Password, Failure> {
    let first = prompt(&format!("New password for {what}: "))?;
    let second = prompt("Again: ")?;
    if *first != *second {
        return Err(Failure::plain("the two passwords differ"));
    }
    Ok(first)
}
