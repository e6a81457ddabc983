//! `CALG_MAC`: CBC-MAC with a block-cipher session key.
//!
//! The value is the last block of the CBC encryption, under the key's IV, of the data followed
//! by PKCS#5 padding (a whole block when the data is block-aligned). The cipher is snapshotted
//! when the hash is created, so later use of the key does not disturb it (Windows 8 and later).

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::key::{CipherMode, Engine, Key};

pub(super) struct Mac {
    engine: Engine,
    /// Bytes not yet forming a whole block.
    partial: Zeroizing<Vec<u8>>,
    block: usize,
}

impl Mac {
    pub(super) fn new(key: &Key<'_>) -> Result<Self> {
        let block = key.block_len();
        if block == 0 {
            return Err(Error::BadKey);
        }
        Ok(Mac {
            engine: key.initial_engine()?,
            partial: Zeroizing::new(Vec::with_capacity(block)),
            block,
        })
    }

    pub(super) fn update(&mut self, mut data: &[u8]) -> Result<()> {
        if !self.partial.is_empty() {
            let take = (self.block - self.partial.len()).min(data.len());
            self.partial.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.partial.len() < self.block {
                return Ok(());
            }
            self.engine.encrypt(CipherMode::Cbc, &mut self.partial)?;
            self.partial.clear();
        }
        let whole = data.len() - data.len() % self.block;
        if whole > 0 {
            let mut blocks = Zeroizing::new(data[..whole].to_vec());
            self.engine.encrypt(CipherMode::Cbc, &mut blocks)?;
        }
        self.partial.extend_from_slice(&data[whole..]);
        Ok(())
    }

    pub(super) fn finalize(&mut self) -> Result<Zeroizing<Vec<u8>>> {
        let pad = self.block - self.partial.len();
        self.partial.resize(self.block, pad as u8);
        self.engine.encrypt(CipherMode::Cbc, &mut self.partial)?;
        self.partial.clear();
        Ok(Zeroizing::new(self.engine.chain().to_vec()))
    }

    pub(super) fn size(&self) -> usize {
        self.block
    }

    pub(super) fn duplicate(&self) -> Result<Self> {
        Ok(Mac {
            engine: self.engine.duplicate(&[])?,
            partial: self.partial.clone(),
            block: self.block,
        })
    }
}
