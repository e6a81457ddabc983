//! The provider defaults file format (`<root>/user/defaults`, `<root>/machine/defaults`): a
//! pure codec over bytes.
//!
//! The file maps provider types to the name of their default provider, as Windows keeps
//! `HKCU\Software\Microsoft\Cryptography\Provider Type XXX\Name` and the machine's
//! `HKLM\...\Defaults\Provider Types\Type XXX\Name`:
//!
//! ```text
//! offset size  field
//! 0      8     magic "CAPIDEFS"
//! 8      2     format version, little-endian (1)
//! 10     2     reserved, 0
//! 12     2     entry count (at most MAX_ENTRIES)
//! 14     ..    entries, in strictly increasing provider type:
//!                4 bytes provider type (1..=999)
//!                2 bytes name length in bytes (at most MAX_NAME_BYTES)
//!                the name, UTF-8, no NUL, at most MAX_NAME_CHARS characters (may be empty)
//! ..     32    SHA-256 of every byte before it
//! ```
//!
//! Decoding is strict, as for container files: exact length, known version, zero reserved
//! bits, sorted unique types in range, valid names, checksum. Anything else is
//! `NTE_PROV_TYPE_ENTRY_BAD` (the provider type's registration is bad); decoding never panics
//! and never reads past the input. So a file decodes to exactly one map, and that map encodes
//! to exactly that file.

use std::collections::BTreeMap;

use super::format;
use crate::error::{Error, Result};

/// The first eight bytes of every defaults file.
const MAGIC: &[u8; 8] = b"CAPIDEFS";
/// The only format version this crate writes and reads.
const VERSION: u16 = 1;
/// The provider types Windows accepts (`NTE_BAD_PROV_TYPE` outside).
const MIN_TYPE: u32 = 1;
const MAX_TYPE: u32 = 999;
/// One entry per provider type at most.
const MAX_ENTRIES: usize = 999;
/// Longest provider name in characters (a registry key name's limit).
pub(crate) const MAX_NAME_CHARS: usize = 255;
/// Longest encoded name: 255 characters of up to 4 UTF-8 bytes.
const MAX_NAME_BYTES: usize = MAX_NAME_CHARS * 4;
const HEADER_LEN: usize = 14;
const ENTRY_HEADER_LEN: usize = 6;
const CHECKSUM_LEN: usize = 32;
/// The largest valid file: every type, every name as long as it may be. The store reads no
/// more than this.
pub(crate) const MAX_FILE_LEN: usize =
    HEADER_LEN + MAX_ENTRIES * (ENTRY_HEADER_LEN + MAX_NAME_BYTES) + CHECKSUM_LEN;

/// The saved defaults: provider type to provider name.
pub(crate) type Defaults = BTreeMap<u32, String>;

/// Checks an entry before it is saved: `NTE_BAD_PROV_TYPE` for a type outside 1..=999,
/// `ERROR_INVALID_PARAMETER` for a name over 255 characters or with a NUL.
pub(crate) fn validate(prov_type: u32, name: Option<&str>) -> Result<()> {
    if !(MIN_TYPE..=MAX_TYPE).contains(&prov_type) {
        return Err(Error::BadProvType);
    }
    if let Some(name) = name
        && !valid_name(name)
    {
        return Err(Error::InvalidParameter);
    }
    Ok(())
}

fn valid_name(name: &str) -> bool {
    !name.contains('\0') && name.chars().count() <= MAX_NAME_CHARS
}

/// Serialises the defaults. Entries must have passed [`validate`] (so there are at most 999,
/// each name at most `MAX_NAME_BYTES` bytes).
pub(crate) fn encode(defaults: &Defaults) -> Vec<u8> {
    let body: usize = defaults
        .values()
        .map(|name| ENTRY_HEADER_LEN + name.len())
        .sum();
    let mut out = Vec::with_capacity(HEADER_LEN + body + CHECKSUM_LEN);
    format::start_sealed(&mut out, MAGIC, VERSION);
    let count = u16::try_from(defaults.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&count.to_le_bytes());
    for (prov_type, name) in defaults {
        out.extend_from_slice(&prov_type.to_le_bytes());
        let len = u16::try_from(name.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
    }
    format::seal(&mut out);
    out
}

/// Parses a defaults file. Every defect gives `NTE_PROV_TYPE_ENTRY_BAD`.
pub(crate) fn decode(bytes: &[u8]) -> Result<Defaults> {
    if bytes.len() > MAX_FILE_LEN {
        return Err(Error::ProvTypeEntryBad);
    }
    let mut r = format::open_sealed(bytes, MAGIC, VERSION, || Error::ProvTypeEntryBad)?;
    let count = usize::from(r.u16()?);
    if count > MAX_ENTRIES {
        return Err(Error::ProvTypeEntryBad);
    }
    let mut defaults = Defaults::new();
    let mut last = 0;
    for _ in 0..count {
        let prov_type = r.u32()?;
        // Strictly increasing (so unique), and in range.
        if prov_type <= last || prov_type > MAX_TYPE {
            return Err(Error::ProvTypeEntryBad);
        }
        last = prov_type;
        let len = usize::from(r.u16()?);
        if len > MAX_NAME_BYTES {
            return Err(Error::ProvTypeEntryBad);
        }
        let name = std::str::from_utf8(r.take(len)?).map_err(|_| Error::ProvTypeEntryBad)?;
        if !valid_name(name) {
            return Err(Error::ProvTypeEntryBad);
        }
        defaults.insert(prov_type, name.to_owned());
    }
    if !r.is_empty() {
        return Err(Error::ProvTypeEntryBad);
    }
    Ok(defaults)
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::*;

    fn sample() -> Defaults {
        Defaults::from([
            (1, "Microsoft Strong Cryptographic Provider".to_owned()),
            (12, String::new()),
            (
                24,
                "Microsoft Enhanced RSA and AES Cryptographic Provider ✓".to_owned(),
            ),
        ])
    }

    /// `body` with its checksum, so that decoding goes past the checksum test.
    fn sealed(body: &[u8]) -> Vec<u8> {
        let mut bytes = body.to_vec();
        bytes.extend_from_slice(&Sha256::digest(body));
        bytes
    }

    fn body_of(defaults: &Defaults) -> Vec<u8> {
        let bytes = encode(defaults);
        bytes[..bytes.len() - CHECKSUM_LEN].to_vec()
    }

    #[test]
    fn round_trip() {
        for defaults in [Defaults::new(), sample()] {
            assert_eq!(decode(&encode(&defaults)).unwrap(), defaults);
        }
    }

    #[test]
    fn the_empty_file_is_header_and_checksum() {
        let bytes = encode(&Defaults::new());
        assert_eq!(bytes.len(), HEADER_LEN + CHECKSUM_LEN);
        assert_eq!(&bytes[..8], MAGIC);
        assert_eq!(bytes[8..14], [1, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn the_largest_file_round_trips_and_fits_the_bound() {
        let name = "\u{10FFFF}".repeat(MAX_NAME_CHARS);
        let defaults: Defaults = (MIN_TYPE..=MAX_TYPE).map(|t| (t, name.clone())).collect();
        let bytes = encode(&defaults);
        assert_eq!(bytes.len(), MAX_FILE_LEN);
        assert_eq!(decode(&bytes).unwrap(), defaults);
    }

    #[test]
    fn every_truncation_and_bit_flip_is_rejected() {
        let bytes = encode(&sample());
        for len in 0..bytes.len() {
            assert!(
                matches!(decode(&bytes[..len]), Err(Error::ProvTypeEntryBad)),
                "len {len}"
            );
        }
        for i in 0..bytes.len() {
            for bit in 0..8 {
                let mut bad = bytes.clone();
                bad[i] ^= 1 << bit;
                assert!(
                    matches!(decode(&bad), Err(Error::ProvTypeEntryBad)),
                    "byte {i} bit {bit}"
                );
            }
        }
    }

    /// Every cut of the body and every extension, resealed, is refused; every byte of the body
    /// set to each of a few values, resealed, is refused or decodes to a map that encodes back
    /// to exactly those bytes (the format is canonical).
    #[test]
    fn resealed_damage_is_refused_or_decodes_canonically() {
        let body = body_of(&sample());
        for len in 0..body.len() {
            assert!(
                matches!(decode(&sealed(&body[..len])), Err(Error::ProvTypeEntryBad)),
                "len {len}"
            );
        }
        for extra in 1..=8 {
            let mut longer = body.clone();
            longer.resize(body.len() + extra, 0);
            assert!(
                matches!(decode(&sealed(&longer)), Err(Error::ProvTypeEntryBad)),
                "{extra} extra bytes"
            );
        }
        for i in 0..body.len() {
            for value in [0, 1, 2, 0x7f, 0x80, 0xc3, 0xe7, 0xff] {
                let mut bad = body.clone();
                bad[i] = value;
                if let Ok(decoded) = decode(&sealed(&bad)) {
                    assert_eq!(encode(&decoded), sealed(&bad), "byte {i} = {value}");
                }
            }
        }
    }

    /// Sealed files that break a rule the encoder never breaks: versions, reserved bits,
    /// unsorted or repeated types, types out of range, NULs, overlong names, too many entries.
    #[test]
    fn sealed_files_breaking_the_rules_are_refused() {
        let entry = |prov_type: u32, name: &[u8]| {
            let mut out = prov_type.to_le_bytes().to_vec();
            out.extend_from_slice(&u16::try_from(name.len()).unwrap().to_le_bytes());
            out.extend_from_slice(name);
            out
        };
        let file = |version: u16, reserved: u16, count: u16, entries: &[Vec<u8>]| {
            let mut body = MAGIC.to_vec();
            body.extend_from_slice(&version.to_le_bytes());
            body.extend_from_slice(&reserved.to_le_bytes());
            body.extend_from_slice(&count.to_le_bytes());
            for e in entries {
                body.extend_from_slice(e);
            }
            sealed(&body)
        };
        let good = [entry(1, b"a"), entry(2, b"b")];
        assert!(decode(&file(1, 0, 2, &good)).is_ok());
        let long = "a".repeat(MAX_NAME_CHARS + 1);
        let cases: [(&str, Vec<u8>); 12] = [
            ("version 0", file(0, 0, 2, &good)),
            ("version 2", file(2, 0, 2, &good)),
            ("reserved", file(1, 1, 2, &good)),
            ("count high", file(1, 0, 3, &good)),
            ("count low", file(1, 0, 1, &good)),
            ("unsorted", file(1, 0, 2, &[entry(2, b"b"), entry(1, b"a")])),
            ("repeated", file(1, 0, 2, &[entry(1, b"a"), entry(1, b"b")])),
            ("type 0", file(1, 0, 1, &[entry(0, b"a")])),
            ("type 1000", file(1, 0, 1, &[entry(1000, b"a")])),
            ("nul", file(1, 0, 1, &[entry(1, b"a\0b")])),
            ("bad utf-8", file(1, 0, 1, &[entry(1, b"\xff")])),
            ("256 chars", file(1, 0, 1, &[entry(1, long.as_bytes())])),
        ];
        for (what, bytes) in cases {
            assert!(
                matches!(decode(&bytes), Err(Error::ProvTypeEntryBad)),
                "{what}"
            );
        }
        let too_many: Vec<Vec<u8>> = (1..=1000).map(|t| entry(t, b"")).collect();
        assert!(matches!(
            decode(&file(1, 0, 1000, &too_many)),
            Err(Error::ProvTypeEntryBad)
        ));
    }

    /// Short inputs of every length up to 200, of zeros, ones and a pattern, never panic,
    /// sealed or not.
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

    /// SplitMix64: deterministic pseudo-random cases (the crate has no proptest).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// Random valid maps (any types, names of 0 to 255 characters from ASCII to 4-byte UTF-8)
    /// round-trip; random bytes, sealed or not, never panic, and whatever decodes is canonical.
    #[test]
    fn random_maps_round_trip_and_random_bytes_never_panic() {
        let alphabet = ['a', 'Z', ' ', '✓', 'é', '\u{1d11e}', '\u{10FFFF}', '-'];
        let mut rng = Rng(0x5eed);
        for _ in 0..300 {
            let mut defaults = Defaults::new();
            for _ in 0..rng.below(12) {
                let prov_type = u32::try_from(rng.below(999)).unwrap() + 1;
                let len = rng.below(256);
                let name: String = (0..len)
                    .map(|_| alphabet[usize::try_from(rng.below(8)).unwrap()])
                    .collect();
                defaults.insert(prov_type, name);
            }
            let bytes = encode(&defaults);
            assert_eq!(decode(&bytes).unwrap(), defaults);
        }
        for _ in 0..2000 {
            let len = usize::try_from(rng.below(120)).unwrap();
            let mut body: Vec<u8> = (0..len).map(|_| rng.next().to_le_bytes()[0]).collect();
            // Half of them behind a valid header, so that decoding gets past it.
            if rng.below(2) == 0 {
                let mut header = MAGIC.to_vec();
                header.extend_from_slice(&[1, 0, 0, 0]);
                header.extend_from_slice(&u16::try_from(rng.below(4)).unwrap().to_le_bytes());
                header.append(&mut body);
                body = header;
            }
            assert!(decode(&body).is_err());
            if let Ok(decoded) = decode(&sealed(&body)) {
                assert_eq!(encode(&decoded), sealed(&body));
            }
        }
    }

    #[test]
    fn entries_are_validated_like_windows() {
        assert!(validate(1, Some("x")).is_ok());
        assert!(validate(999, None).is_ok());
        assert!(validate(24, Some("")).is_ok());
        assert!(validate(5, Some(&"é".repeat(MAX_NAME_CHARS))).is_ok());
        for bad in [0, 1000, u32::MAX] {
            assert!(matches!(validate(bad, None), Err(Error::BadProvType)));
        }
        assert!(matches!(
            validate(1, Some("a\0")),
            Err(Error::InvalidParameter)
        ));
        assert!(matches!(
            validate(1, Some(&"a".repeat(MAX_NAME_CHARS + 1))),
            Err(Error::InvalidParameter)
        ));
    }
}
