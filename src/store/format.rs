//! The container file format: a pure codec over bytes.
//!
//! ```text
//! offset size  field
//! 0      8     magic "CAPIKEYS"
//! 8      2     format version, little-endian (1)
//! 10     2     reserved, 0
//! 12     16    container instance id (random at creation; a re-created container gets a new one)
//! 28     2     name length in bytes (at most MAX_NAME_BYTES)
//! 30     n     name, UTF-8
//! ..     2x    key slots, exchange then signature:
//!                1 byte tag: 0 empty, 1 present
//!                if present: 4 bytes permissions, 4 bytes blob length (at most MAX_BLOB), the blob
//! ..     32    SHA-256 of every byte before it
//! ```
//!
//! Decoding is strict: exact length, known version, zero reserved bits, valid UTF-8, checksum.
//! Anything else is `NTE_KEYSET_ENTRY_BAD`; decoding never panics and never reads past the input.

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::reader::Reader;

/// The first eight bytes of every container file.
pub(crate) const MAGIC: &[u8; 8] = b"CAPIKEYS";
/// The only format version this crate writes and reads.
pub(crate) const VERSION: u16 = 1;
/// Longest container name in characters (Windows: `MAX_PATH`, 260).
pub(crate) const MAX_NAME_CHARS: usize = 260;
/// Longest encoded name: 260 characters of up to 4 UTF-8 bytes.
/// Longest encoded name: 260 characters of up to 4 UTF-8 bytes, and room for the namespace
/// prefix of the DSS family's containers (see `provider`).
const MAX_NAME_BYTES: usize = MAX_NAME_CHARS * 4 + 8;
/// Largest key blob a slot may hold (a 16384-bit PRIVATEKEYBLOB is about 9 KiB).
pub(crate) const MAX_BLOB: usize = 64 * 1024;
const CHECKSUM_LEN: usize = 32;

/// One key pair kept by a container, as opaque bytes with its permissions.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Slot {
    pub(crate) permissions: u32,
    pub(crate) blob: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slot")
            .field("permissions", &format_args!("{:#x}", self.permissions))
            .field("blob_len", &self.blob.len())
            .finish()
    }
}

/// A decoded container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Record {
    pub(crate) name: String,
    pub(crate) id: [u8; 16],
    pub(crate) slots: [Option<Slot>; 2],
}

impl Record {
    /// A new, empty container with a fresh random instance id.
    pub(crate) fn new(name: &str) -> Result<Self> {
        let mut id = [0u8; 16];
        getrandom::fill(&mut id).map_err(|_| Error::SysErr)?;
        Ok(Record {
            name: name.to_owned(),
            id,
            slots: [None, None],
        })
    }
}

/// The prefix of a DSS-family container's name in the store. A caller's name cannot contain
/// NUL, so no RSA container's name can collide with it.
pub(crate) const DSS_NAMESPACE: &str = "\0DSS\0";

/// Checks a container name as Windows would accept it: at most 260 characters, no NUL.
///
/// The empty name is handled by the caller (it selects the default container).
pub(crate) fn validate_name(name: &str) -> Result<()> {
    if name.contains('\0') || name.chars().count() > MAX_NAME_CHARS {
        return Err(Error::BadKeysetParam);
    }
    Ok(())
}

/// Starts a store file: `magic`, the format `version` and a zero reserved word (12 bytes).
pub(super) fn start_sealed(out: &mut Vec<u8>, magic: &[u8; 8], version: u16) {
    out.extend_from_slice(magic);
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
}

/// Ends a store file: the SHA-256 of every byte before it.
pub(super) fn seal(out: &mut Vec<u8>) {
    let checksum = Sha256::digest(&out[..]);
    out.extend_from_slice(&checksum);
}

/// Opens a file [`start_sealed`] and [`seal`] made: checks the checksum (in constant time),
/// the magic, the version and the reserved word, and reads on after the header. Every defect
/// is `bad()`.
pub(super) fn open_sealed<'a>(
    bytes: &'a [u8],
    magic: &[u8; 8],
    version: u16,
    bad: fn() -> Error,
) -> Result<Reader<'a>> {
    let split = bytes.len().checked_sub(CHECKSUM_LEN).ok_or_else(bad)?;
    let (body, checksum) = bytes.split_at(split);
    let expected = Sha256::digest(body);
    if !bool::from(subtle::ConstantTimeEq::ct_eq(&expected[..], checksum)) {
        return Err(bad());
    }
    let mut r = Reader::new(body, bad);
    if r.take(magic.len())? != magic || r.u16()? != version || r.u16()? != 0 {
        return Err(bad());
    }
    Ok(r)
}

/// Serialises a record; the buffer is wiped when dropped because slots hold private keys.
pub(crate) fn encode(record: &Record) -> Zeroizing<Vec<u8>> {
    let slot_len: usize = record
        .slots
        .iter()
        .flatten()
        .map(|s| 8 + s.blob.len())
        .sum();
    let mut out = Zeroizing::new(Vec::with_capacity(
        30 + record.name.len() + 2 + slot_len + CHECKSUM_LEN,
    ));
    start_sealed(&mut out, MAGIC, VERSION);
    out.extend_from_slice(&record.id);
    // Names are validated to at most MAX_NAME_BYTES before a record is built.
    let name_len = u16::try_from(record.name.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&name_len.to_le_bytes());
    out.extend_from_slice(record.name.as_bytes());
    for slot in &record.slots {
        match slot {
            None => out.push(0),
            Some(slot) => {
                out.push(1);
                out.extend_from_slice(&slot.permissions.to_le_bytes());
                let len = u32::try_from(slot.blob.len()).unwrap_or(u32::MAX);
                out.extend_from_slice(&len.to_le_bytes());
                out.extend_from_slice(&slot.blob);
            }
        }
    }
    seal(&mut out);
    out
}

/// Parses a container file. Every defect gives `NTE_KEYSET_ENTRY_BAD`.
pub(crate) fn decode(bytes: &[u8]) -> Result<Record> {
    let mut r = open_sealed(bytes, MAGIC, VERSION, || Error::KeysetEntryBad)?;
    let id = r.array::<16>()?;
    let name_len = usize::from(r.u16()?);
    if name_len > MAX_NAME_BYTES {
        return Err(Error::KeysetEntryBad);
    }
    let name = std::str::from_utf8(r.take(name_len)?).map_err(|_| Error::KeysetEntryBad)?;
    // A DSS-family container's stored name carries its namespace prefix (NUL-delimited, so
    // that no caller's name can collide with it); the caller's part is checked as any name.
    let own = name.strip_prefix(DSS_NAMESPACE).unwrap_or(name);
    validate_name(own).map_err(|_| Error::KeysetEntryBad)?;
    let mut slots = [None, None];
    for slot in &mut slots {
        *slot = match r.u8()? {
            0 => None,
            1 => {
                let permissions = r.u32()?;
                let len = usize::try_from(r.u32()?).map_err(|_| Error::KeysetEntryBad)?;
                if len > MAX_BLOB {
                    return Err(Error::KeysetEntryBad);
                }
                Some(Slot {
                    permissions,
                    blob: Zeroizing::new(r.take(len)?.to_vec()),
                })
            }
            _ => return Err(Error::KeysetEntryBad),
        };
    }
    if !r.is_empty() {
        return Err(Error::KeysetEntryBad);
    }
    Ok(Record {
        name: name.to_owned(),
        id,
        slots,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Record {
        Record {
            name: "wine_test_keyset ✓".into(),
            id: [7; 16],
            slots: [
                Some(Slot {
                    permissions: 0x3f,
                    blob: Zeroizing::new(vec![1, 2, 3]),
                }),
                None,
            ],
        }
    }

    #[test]
    fn round_trip() {
        let rec = sample();
        assert_eq!(decode(&encode(&rec)).unwrap(), rec);
    }

    #[test]
    fn every_truncation_and_bit_flip_is_rejected() {
        let bytes = encode(&sample());
        for len in 0..bytes.len() {
            assert!(
                matches!(decode(&bytes[..len]), Err(Error::KeysetEntryBad)),
                "len {len}"
            );
        }
        for i in 0..bytes.len() {
            for bit in 0..8 {
                let mut bad = bytes.to_vec();
                bad[i] ^= 1 << bit;
                assert!(
                    matches!(decode(&bad), Err(Error::KeysetEntryBad)),
                    "byte {i} bit {bit}"
                );
            }
        }
    }

    #[test]
    fn newer_versions_are_refused_even_with_a_valid_checksum() {
        let mut bytes = encode(&sample()).to_vec();
        bytes.truncate(bytes.len() - CHECKSUM_LEN);
        bytes[8] = 2;
        let sum = Sha256::digest(&bytes);
        bytes.extend_from_slice(&sum);
        assert!(matches!(decode(&bytes), Err(Error::KeysetEntryBad)));
    }

    #[test]
    fn names_are_limited_like_windows() {
        assert!(validate_name(&"a".repeat(260)).is_ok());
        assert!(validate_name(&"é".repeat(260)).is_ok());
        assert!(matches!(
            validate_name(&"a".repeat(261)),
            Err(Error::BadKeysetParam)
        ));
        assert!(matches!(validate_name("a\0b"), Err(Error::BadKeysetParam)));
    }

    /// Records at the edges the public API cannot write: names of 0 and 260 characters (of 1 to
    /// 4 UTF-8 bytes), any id, permissions 0 and `u32::MAX`, and arbitrary blobs of 0 to
    /// `MAX_BLOB` bytes, in every combination of slots.
    #[test]
    fn edge_records_round_trip() {
        let names = [
            String::new(),
            "a".into(),
            "a".repeat(260),
            "é".repeat(260),
            "\u{1d11e}".repeat(260),
            "mixed ✓ \u{1d11e} name/with\\slashes".into(),
        ];
        let slot = |permissions: u32, len: usize| {
            Some(Slot {
                permissions,
                blob: Zeroizing::new((0..len).map(|i| (i % 251) as u8).collect()),
            })
        };
        let slots = [
            None,
            slot(0, 0),
            slot(u32::MAX, 1),
            slot(0x3f, 300),
            slot(0x3b, MAX_BLOB),
        ];
        for (n, name) in names.iter().enumerate() {
            for a in &slots {
                for b in &slots {
                    let rec = Record {
                        name: name.clone(),
                        id: [u8::try_from(n).unwrap().wrapping_mul(0x55); 16],
                        slots: [a.clone(), b.clone()],
                    };
                    assert_eq!(decode(&encode(&rec)).unwrap(), rec, "name {n}");
                }
            }
        }
    }

    /// A record breaking the format's limits, sealed with a valid checksum, is refused: a blob
    /// over `MAX_BLOB`, a name over 260 characters or with a NUL.
    #[test]
    fn sealed_records_over_the_limits_are_refused() {
        let mut rec = sample();
        rec.slots[1] = Some(Slot {
            permissions: 0,
            blob: Zeroizing::new(vec![0; MAX_BLOB + 1]),
        });
        assert!(matches!(decode(&encode(&rec)), Err(Error::KeysetEntryBad)));
        for name in ["a".repeat(261), "a\0b".into()] {
            let rec = Record { name, ..sample() };
            assert!(matches!(decode(&encode(&rec)), Err(Error::KeysetEntryBad)));
        }
    }

    /// `body` with its checksum, so that decoding goes past the checksum test.
    fn sealed(body: &[u8]) -> Vec<u8> {
        let mut bytes = body.to_vec();
        bytes.extend_from_slice(&Sha256::digest(body));
        bytes
    }

    /// Every cut of the body, resealed, is refused, and so are extra bytes after it; every byte of the body set to each of a
    /// few values, resealed, decodes or is refused, without a panic (the checksum no longer
    /// stops it).
    #[test]
    fn resealed_damage_is_refused_or_decodes_canonically() {
        let rec = Record {
            slots: [sample().slots[0].clone(), sample().slots[0].clone()],
            ..sample()
        };
        let bytes = encode(&rec);
        let body = &bytes[..bytes.len() - CHECKSUM_LEN];
        for len in 0..body.len() {
            assert!(
                matches!(decode(&sealed(&body[..len])), Err(Error::KeysetEntryBad)),
                "len {len}"
            );
        }
        for extra in 1..=8 {
            let mut longer = body.to_vec();
            longer.resize(body.len() + extra, 0);
            assert!(
                matches!(decode(&sealed(&longer)), Err(Error::KeysetEntryBad)),
                "{extra} extra bytes"
            );
        }
        for i in 0..body.len() {
            for value in [0, 1, 2, 0x7f, 0x80, 0xff] {
                let mut bad = body.to_vec();
                bad[i] = value;
                if let Ok(decoded) = decode(&sealed(&bad)) {
                    assert_eq!(
                        encode(&decoded).to_vec(),
                        sealed(&bad),
                        "byte {i} = {value}"
                    );
                }
            }
        }
    }

    /// Short inputs of every length up to 200, of zeros, ones and a pattern, never panic.
    #[test]
    fn odd_inputs_never_panic() {
        let pattern: Vec<u8> = (0..200u32)
            .map(|i| (i.wrapping_mul(97) >> 2) as u8)
            .collect();
        for fill in [vec![0u8; 200], vec![0xff; 200], pattern] {
            for len in 0..=fill.len() {
                assert!(decode(&fill[..len]).is_err(), "len {len}");
                let _ = decode(&sealed(&fill[..len]));
            }
        }
    }
}
