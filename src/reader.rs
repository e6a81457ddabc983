//! The bounds-checked little-endian reader the crate's binary codecs share (container files,
//! provider defaults files, DSS/DH key BLOBs). Reading past the end is the codec's own error
//! code, never a panic.

use crate::error::{Error, Result};

/// Reads fields off the front of a byte slice.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    /// The error every defect is reported as (`NTE_BAD_DATA`, `NTE_KEYSET_ENTRY_BAD`, ...).
    bad: fn() -> Error,
}

impl<'a> Reader<'a> {
    /// A reader over `bytes` whose short reads are `bad()`.
    pub(crate) fn new(bytes: &'a [u8], bad: fn() -> Error) -> Self {
        Reader { bytes, bad }
    }

    /// The next `n` bytes.
    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let (head, tail) = self.bytes.split_at_checked(n).ok_or_else(self.bad)?;
        self.bytes = tail;
        Ok(head)
    }

    /// The next `N` bytes as an array.
    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    pub(crate) fn u8(&mut self) -> Result<u8> {
        Ok(self.array::<1>()?[0])
    }

    pub(crate) fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    pub(crate) fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    /// Whether every byte has been read.
    pub(crate) fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_reads_are_the_codecs_error() {
        let mut r = Reader::new(&[1, 2, 3, 4, 5, 6, 7], || Error::KeysetEntryBad);
        assert_eq!(r.u8().unwrap(), 1);
        assert_eq!(r.u16().unwrap(), 0x0302);
        assert_eq!(r.u32().unwrap(), 0x0706_0504);
        assert!(r.is_empty());
        assert!(matches!(r.u8(), Err(Error::KeysetEntryBad)));
        assert!(matches!(r.take(usize::MAX), Err(Error::KeysetEntryBad)));
        assert!(r.take(0).unwrap().is_empty());
    }
}
