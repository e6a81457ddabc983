//! `PP_KEYSET_SEC_DESCR`: a container's owner, group and mode bits as a Windows security
//! descriptor, and back. A pure codec over bytes.
//!
//! The mapping (the one Samba and other Unix–Windows bridges use for Unix identities):
//!
//! | Unix | Windows |
//! |---|---|
//! | owner uid *u* | owner SID `S-1-22-1-u` ("Unix User") |
//! | group gid *g* | group SID `S-1-22-2-g` ("Unix Group") |
//! | mode bits | a DACL of three `ACCESS_ALLOWED` ACEs, in this order: the owner's SID with the user bits, the group's SID with the group bits, Everyone (`S-1-1-0`) with the other bits |
//! | `r` | `FILE_GENERIC_READ` (`0x120089`) |
//! | `w` | `FILE_GENERIC_WRITE \| DELETE` (`0x130116`) |
//! | `x` | `FILE_GENERIC_EXECUTE` (`0x1200A0`) |
//!
//! Reading a descriptor back, an ACE grants `r` if its mask has `FILE_READ_DATA` (1) or
//! `GENERIC_READ`, `w` for `FILE_WRITE_DATA` (2) or `GENERIC_WRITE`, `x` for `FILE_EXECUTE`
//! (`0x20`) or `GENERIC_EXECUTE`, and all three for `GENERIC_ALL`; an `ACCESS_DENIED` ACE takes
//! its bits away from its trustee (Unix modes cannot express a denial for one member of a
//! group, so it applies to the trustee's triplet); inherit-only ACEs are skipped.

use crate::error::{Error, Result};

/// `OWNER_SECURITY_INFORMATION`.
pub const OWNER_SECURITY_INFORMATION: u32 = 0x1;
/// `GROUP_SECURITY_INFORMATION`.
pub const GROUP_SECURITY_INFORMATION: u32 = 0x2;
/// `DACL_SECURITY_INFORMATION`.
pub const DACL_SECURITY_INFORMATION: u32 = 0x4;
/// `SACL_SECURITY_INFORMATION`: needs a privilege nobody has here (`ERROR_PRIVILEGE_NOT_HELD`).
pub const SACL_SECURITY_INFORMATION: u32 = 0x8;
/// `LABEL_SECURITY_INFORMATION`: containers have no integrity label; asked for, nothing is
/// returned for it.
const LABEL_SECURITY_INFORMATION: u32 = 0x10;
/// The `PROTECTED_*`/`UNPROTECTED_*` inheritance bits: meaningless for a file with no
/// inheritance, accepted and ignored.
const INHERITANCE_BITS: u32 = 0xF000_0000;

const SE_DACL_PRESENT: u16 = 0x0004;
const SE_SELF_RELATIVE: u16 = 0x8000;
const SD_HEADER: usize = 20;
const ACL_REVISION: u8 = 2;
const ACL_HEADER: usize = 8;
const ACCESS_ALLOWED_ACE_TYPE: u8 = 0;
const ACCESS_DENIED_ACE_TYPE: u8 = 1;
const INHERIT_ONLY_ACE: u8 = 0x08;

const FILE_READ_DATA: u32 = 0x0001;
const FILE_WRITE_DATA: u32 = 0x0002;
const FILE_EXECUTE: u32 = 0x0020;
const FILE_GENERIC_READ: u32 = 0x0012_0089;
const FILE_GENERIC_WRITE: u32 = 0x0012_0116;
const FILE_GENERIC_EXECUTE: u32 = 0x0012_00A0;
const DELETE: u32 = 0x0001_0000;
const GENERIC_ALL: u32 = 0x1000_0000;
const GENERIC_EXECUTE: u32 = 0x2000_0000;
const GENERIC_WRITE: u32 = 0x4000_0000;
const GENERIC_READ: u32 = 0x8000_0000;

/// The Unix identities Windows SIDs map to here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Trustee {
    /// `S-1-22-1-uid`.
    User(u32),
    /// `S-1-22-2-gid`.
    Group(u32),
    /// `S-1-1-0`.
    Everyone,
}

impl Trustee {
    fn encode(self, out: &mut Vec<u8>) {
        let (authority, subs): (u8, &[u32]) = match self {
            Trustee::User(uid) => (22, &[1, uid]),
            Trustee::Group(gid) => (22, &[2, gid]),
            Trustee::Everyone => (1, &[0]),
        };
        out.push(1);
        out.push(subs.len() as u8);
        out.extend_from_slice(&[0, 0, 0, 0, 0, authority]);
        for sub in subs {
            out.extend_from_slice(&sub.to_le_bytes());
        }
    }

    fn len(self) -> usize {
        match self {
            Trustee::User(_) | Trustee::Group(_) => 16,
            Trustee::Everyone => 12,
        }
    }

    /// Parses the SID at the start of `bytes`: the trustee (or `ERROR_INVALID_PARAMETER` for a
    /// SID that names no Unix identity) and the SID's length.
    fn decode(bytes: &[u8]) -> Result<(Trustee, usize)> {
        let bad = || Error::InvalidParameter;
        let head = bytes.get(..8).ok_or_else(bad)?;
        let count = usize::from(head[1]);
        if head[0] != 1 || count > 15 {
            return Err(bad());
        }
        let len = 8 + 4 * count;
        let subs: Vec<u32> = bytes
            .get(8..len)
            .ok_or_else(bad)?
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let trustee = match (&head[2..8], subs.as_slice()) {
            ([0, 0, 0, 0, 0, 22], [1, uid]) => Trustee::User(*uid),
            ([0, 0, 0, 0, 0, 22], [2, gid]) => Trustee::Group(*gid),
            ([0, 0, 0, 0, 0, 1], [0]) => Trustee::Everyone,
            _ => return Err(bad()),
        };
        Ok((trustee, len))
    }
}

/// A container's Unix access: what `PP_KEYSET_SEC_DESCR` describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Access {
    pub(crate) uid: u32,
    pub(crate) gid: u32,
    /// The permission bits (`0o777` at most).
    pub(crate) mode: u32,
}

/// Checks the `SECURITY_INFORMATION` bits of a query or a change.
fn check_info(info: u32) -> Result<()> {
    if info & !(0x1F | INHERITANCE_BITS) != 0 {
        return Err(Error::InvalidParameter);
    }
    if info & SACL_SECURITY_INFORMATION != 0 {
        return Err(Error::PrivilegeNotHeld);
    }
    let _ = LABEL_SECURITY_INFORMATION;
    Ok(())
}

fn mask_of(triplet: u32) -> u32 {
    let mut mask = 0;
    if triplet & 4 != 0 {
        mask |= FILE_GENERIC_READ;
    }
    if triplet & 2 != 0 {
        mask |= FILE_GENERIC_WRITE | DELETE;
    }
    if triplet & 1 != 0 {
        mask |= FILE_GENERIC_EXECUTE;
    }
    mask
}

fn triplet_of(mask: u32) -> u32 {
    let mut bits = 0;
    if mask & (FILE_READ_DATA | GENERIC_READ | GENERIC_ALL) != 0 {
        bits |= 4;
    }
    if mask & (FILE_WRITE_DATA | GENERIC_WRITE | GENERIC_ALL) != 0 {
        bits |= 2;
    }
    if mask & (FILE_EXECUTE | GENERIC_EXECUTE | GENERIC_ALL) != 0 {
        bits |= 1;
    }
    bits
}

/// The self-relative security descriptor of `access` holding the parts `info` asks for.
///
/// # Errors
///
/// `ERROR_INVALID_PARAMETER` for undefined `info` bits, `ERROR_PRIVILEGE_NOT_HELD` for the
/// SACL.
pub(crate) fn encode(access: Access, info: u32) -> Result<Vec<u8>> {
    check_info(info)?;
    let owner = (info & OWNER_SECURITY_INFORMATION != 0).then_some(Trustee::User(access.uid));
    let group = (info & GROUP_SECURITY_INFORMATION != 0).then_some(Trustee::Group(access.gid));
    let dacl = info & DACL_SECURITY_INFORMATION != 0;
    let mut out = vec![0u8; SD_HEADER];
    let mut control = SE_SELF_RELATIVE;
    let mut offsets = [0u32; 4]; // owner, group, sacl, dacl
    if let Some(owner) = owner {
        offsets[0] = out.len() as u32;
        owner.encode(&mut out);
    }
    if let Some(group) = group {
        offsets[1] = out.len() as u32;
        group.encode(&mut out);
    }
    if dacl {
        control |= SE_DACL_PRESENT;
        offsets[3] = out.len() as u32;
        let aces = [
            (Trustee::User(access.uid), (access.mode >> 6) & 7),
            (Trustee::Group(access.gid), (access.mode >> 3) & 7),
            (Trustee::Everyone, access.mode & 7),
        ];
        let size = ACL_HEADER + aces.iter().map(|(t, _)| 8 + t.len()).sum::<usize>();
        out.extend_from_slice(&[ACL_REVISION, 0]);
        out.extend_from_slice(&(size as u16).to_le_bytes());
        out.extend_from_slice(&(aces.len() as u16).to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        for (trustee, bits) in aces {
            out.extend_from_slice(&[ACCESS_ALLOWED_ACE_TYPE, 0]);
            out.extend_from_slice(&((8 + trustee.len()) as u16).to_le_bytes());
            out.extend_from_slice(&mask_of(bits).to_le_bytes());
            trustee.encode(&mut out);
        }
    }
    out[0] = 1;
    out[2..4].copy_from_slice(&control.to_le_bytes());
    for (i, offset) in offsets.iter().enumerate() {
        out[4 + 4 * i..8 + 4 * i].copy_from_slice(&offset.to_le_bytes());
    }
    Ok(out)
}

/// What a descriptor asks to change, for the parts `info` names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Change {
    pub(crate) owner: Option<u32>,
    pub(crate) group: Option<u32>,
    /// The DACL's ACEs that apply: trustee, allowed bits, denied bits (`rwx` triplets).
    pub(crate) dacl: Option<Vec<(Trustee, u32, u32)>>,
}

impl Change {
    /// The access after this change, from `current`: owner and group replaced where given, and
    /// the mode rebuilt from the DACL where given (an ACE for a user or group that is neither
    /// the resulting owner nor group cannot be expressed: `ERROR_INVALID_PARAMETER`).
    pub(crate) fn apply(&self, current: Access) -> Result<Access> {
        let uid = self.owner.unwrap_or(current.uid);
        let gid = self.group.unwrap_or(current.gid);
        let mode = match &self.dacl {
            None => current.mode,
            Some(aces) => {
                let (mut allowed, mut denied) = ([0u32; 3], [0u32; 3]);
                for &(trustee, allow, deny) in aces {
                    let slot = match trustee {
                        Trustee::User(u) if u == uid => 0,
                        Trustee::Group(g) if g == gid => 1,
                        Trustee::Everyone => 2,
                        _ => return Err(Error::InvalidParameter),
                    };
                    allowed[slot] |= allow;
                    denied[slot] |= deny;
                }
                (0..3).fold(0, |mode, i| {
                    mode | ((allowed[i] & !denied[i]) << (6 - 3 * i as u32))
                })
            }
        };
        Ok(Access { uid, gid, mode })
    }
}

fn u16_at(bytes: &[u8], at: usize) -> Result<u16> {
    let b = bytes.get(at..at + 2).ok_or(Error::InvalidParameter)?;
    Ok(u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(bytes: &[u8], at: usize) -> Result<u32> {
    let b = bytes.get(at..at + 4).ok_or(Error::InvalidParameter)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// The SID at `offset` in `sd` (an offset of 0 means none).
fn sid_at(sd: &[u8], offset: u32) -> Result<Option<Trustee>> {
    if offset == 0 {
        return Ok(None);
    }
    let rest = sd.get(offset as usize..).ok_or(Error::InvalidParameter)?;
    Ok(Some(Trustee::decode(rest)?.0))
}

/// Parses a self-relative security descriptor for the parts `info` names; the parts it does
/// not name are not read.
///
/// # Errors
///
/// `ERROR_INVALID_PARAMETER` for bad `info` bits, an absolute or malformed descriptor, a part
/// `info` names that the descriptor lacks (a NULL DACL included: it would give everyone
/// access), a SID that names no Unix identity, or an ACE type other than allowed and denied;
/// `ERROR_PRIVILEGE_NOT_HELD` for the SACL.
pub(crate) fn decode(sd: &[u8], info: u32) -> Result<Change> {
    check_info(info)?;
    let bad = || Error::InvalidParameter;
    if sd.len() < SD_HEADER || sd[0] != 1 {
        return Err(bad());
    }
    let control = u16_at(sd, 2)?;
    if control & SE_SELF_RELATIVE == 0 {
        return Err(bad());
    }
    let mut change = Change::default();
    if info & OWNER_SECURITY_INFORMATION != 0 {
        match sid_at(sd, u32_at(sd, 4)?)? {
            Some(Trustee::User(uid)) => change.owner = Some(uid),
            _ => return Err(bad()),
        }
    }
    if info & GROUP_SECURITY_INFORMATION != 0 {
        match sid_at(sd, u32_at(sd, 8)?)? {
            Some(Trustee::Group(gid)) => change.group = Some(gid),
            _ => return Err(bad()),
        }
    }
    if info & DACL_SECURITY_INFORMATION != 0 {
        let offset = u32_at(sd, 16)? as usize;
        if control & SE_DACL_PRESENT == 0 || offset == 0 {
            return Err(bad());
        }
        let acl = sd.get(offset..).ok_or_else(bad)?;
        let size = usize::from(u16_at(acl, 2)?);
        let count = usize::from(u16_at(acl, 4)?);
        if !matches!(acl.first(), Some(2 | 4)) || size < ACL_HEADER || size > acl.len() {
            return Err(bad());
        }
        let acl = &acl[..size];
        let mut at = ACL_HEADER;
        let mut aces = Vec::with_capacity(count.min(64));
        for _ in 0..count {
            let ace_type = *acl.get(at).ok_or_else(bad)?;
            let flags = *acl.get(at + 1).ok_or_else(bad)?;
            let ace_size = usize::from(u16_at(acl, at + 2)?);
            let ace = acl.get(at..at + ace_size).ok_or_else(bad)?;
            if ace_size < 8 + 8 {
                return Err(bad());
            }
            let mask = u32_at(ace, 4)?;
            let (trustee, sid_len) = Trustee::decode(&ace[8..])?;
            if 8 + sid_len > ace_size {
                return Err(bad());
            }
            if flags & INHERIT_ONLY_ACE == 0 {
                match ace_type {
                    ACCESS_ALLOWED_ACE_TYPE => aces.push((trustee, triplet_of(mask), 0)),
                    ACCESS_DENIED_ACE_TYPE => aces.push((trustee, 0, triplet_of(mask))),
                    _ => return Err(bad()),
                }
            }
            at += ace_size;
        }
        change.dacl = Some(aces);
    }
    Ok(change)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: u32 =
        OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION;

    #[test]
    fn round_trips_every_mode_and_part() {
        for mode in 0..=0o777 {
            let access = Access {
                uid: 1000,
                gid: 100,
                mode,
            };
            for info in 0..=ALL {
                let sd = encode(access, info).unwrap();
                let change = decode(&sd, info).unwrap();
                // Against another file's access where the descriptor names the owner and group,
                // else against this file's own (a DACL names them either way).
                let current = Access {
                    uid: if info & 1 != 0 { 7 } else { 1000 },
                    gid: if info & 2 != 0 { 7 } else { 100 },
                    mode: 0o600,
                };
                let back = change.apply(current).unwrap();
                let mode = if info & 4 != 0 { mode } else { 0o600 };
                assert_eq!(back, Access { mode, ..access }, "{info} {mode:o}");
            }
        }
    }

    #[test]
    fn layout_is_windows_self_relative() {
        let sd = encode(
            Access {
                uid: 1000,
                gid: 1000,
                mode: 0o600,
            },
            OWNER_SECURITY_INFORMATION,
        )
        .unwrap();
        assert_eq!(sd.len(), 20 + 16);
        assert_eq!(&sd[..4], &[1, 0, 0x00, 0x80]);
        assert_eq!(u32_at(&sd, 4).unwrap(), 20);
        assert_eq!(&sd[20..28], &[1, 2, 0, 0, 0, 0, 0, 22]);
        let full = encode(
            Access {
                uid: 1,
                gid: 2,
                mode: 0o640,
            },
            ALL,
        )
        .unwrap();
        assert_eq!(full.len(), 20 + 16 + 16 + 8 + 24 + 24 + 20);
        assert_eq!(
            u16_at(&full, 2).unwrap(),
            SE_SELF_RELATIVE | SE_DACL_PRESENT
        );
    }

    #[test]
    fn refuses_what_cannot_be_mapped() {
        let sd = encode(
            Access {
                uid: 1,
                gid: 2,
                mode: 0o600,
            },
            ALL,
        )
        .unwrap();
        assert!(matches!(
            encode(
                Access {
                    uid: 1,
                    gid: 2,
                    mode: 0
                },
                8
            ),
            Err(Error::PrivilegeNotHeld)
        ));
        assert!(matches!(decode(&sd, 0x100), Err(Error::InvalidParameter)));
        // No DACL in a descriptor asked for one.
        let owner_only = encode(
            Access {
                uid: 1,
                gid: 2,
                mode: 0,
            },
            1,
        )
        .unwrap();
        assert!(matches!(
            decode(&owner_only, 4),
            Err(Error::InvalidParameter)
        ));
        // An ACE for another user.
        let change = decode(&sd, DACL_SECURITY_INFORMATION).unwrap();
        assert!(matches!(
            change.apply(Access {
                uid: 9,
                gid: 2,
                mode: 0
            }),
            Err(Error::InvalidParameter)
        ));
        // Every truncation is an error, never a panic.
        for cut in 0..sd.len() {
            assert!(decode(&sd[..cut], ALL).is_err());
        }
        // Every single-byte change decodes or fails cleanly.
        for i in 0..sd.len() {
            for bit in 0..8 {
                let mut bad = sd.clone();
                bad[i] ^= 1 << bit;
                let _ = decode(&bad, ALL);
            }
        }
    }
}
