//! The cipher engines behind session keys: chaining modes over RustCrypto block ciphers, and
//! RC4.
//!
//! Every block mode here has one chaining register the size of a block: the previous
//! ciphertext block for CBC, the shift register for 8-bit CFB (which after a whole block is
//! also the previous ciphertext block), and nothing for ECB. That shared shape is what lets a
//! final decryption check its padding by decrypting the last block alone, before touching the
//! caller's buffer.

use aes::{Aes128, Aes192, Aes256};
use cipher::array::Array;
use cipher::{
    Block, BlockCipherDecrypt, BlockCipherEncrypt, BlockModeDecrypt, BlockModeEncrypt,
    BlockSizeUser, InOutBuf, InnerIvInit, IvState, KeyInit, StreamCipher,
};
use des::{Des, TdesEde2, TdesEde3};
use rc2::Rc2;
use rc4::Rc4;
use zeroize::Zeroizing;

use crate::alg::AlgId;
use crate::error::{Error, Result};
use crate::key::CipherMode;

/// A block cipher with its chaining register.
#[derive(Clone)]
pub(crate) struct BlockEngine<C: BlockSizeUser> {
    cipher: C,
    chain: Block<C>,
}

/// An RC4 keystream, with how far it has run (so that a duplicate can be brought to the same
/// point: the `rc4` crate's state cannot be cloned).
pub(crate) struct StreamEngine {
    rc4: Rc4,
    position: u64,
}

/// The live state of a session key.
pub(crate) enum Engine {
    Aes128(BlockEngine<Aes128>),
    Aes192(BlockEngine<Aes192>),
    Aes256(BlockEngine<Aes256>),
    Des(BlockEngine<Des>),
    Tdes112(BlockEngine<TdesEde2>),
    Tdes(BlockEngine<TdesEde3>),
    Rc2(BlockEngine<Rc2>),
    Rc4(Box<StreamEngine>),
}

macro_rules! with_block {
    ($engine:expr, $b:ident => $body:expr, stream $s:ident => $stream:expr) => {
        match $engine {
            Engine::Aes128($b) => $body,
            Engine::Aes192($b) => $body,
            Engine::Aes256($b) => $body,
            Engine::Des($b) => $body,
            Engine::Tdes112($b) => $body,
            Engine::Tdes($b) => $body,
            Engine::Rc2($b) => $body,
            Engine::Rc4($s) => $stream,
        }
    };
}

/// Largest RC2 key the key schedule takes, in bytes (RFC 2268).
pub(crate) const RC2_MAX_KEY: usize = 128;
/// Largest RC2 effective key length, in bits (RFC 2268).
pub(crate) const RC2_MAX_EFFECTIVE_BITS: u32 = 1024;

impl Engine {
    /// Keys an engine for `alg` with `material` (key ‖ salt for RC2 and RC4) and a zero IV.
    /// `rc2_effective_bits` is RC2's effective key length (1..=1024); other ciphers ignore it.
    pub(crate) fn new(alg: AlgId, material: &[u8], rc2_effective_bits: u32) -> Result<Engine> {
        Ok(match alg {
            AlgId::AES_128 => Engine::Aes128(BlockEngine::new(material)?),
            AlgId::AES_192 => Engine::Aes192(BlockEngine::new(material)?),
            AlgId::AES_256 => Engine::Aes256(BlockEngine::new(material)?),
            AlgId::DES => Engine::Des(BlockEngine::new(material)?),
            AlgId::TRIPLE_DES_112 => Engine::Tdes112(BlockEngine::new(material)?),
            AlgId::TRIPLE_DES => Engine::Tdes(BlockEngine::new(material)?),
            AlgId::RC2 => {
                // The rc2 key schedule panics outside these ranges: refuse them first.
                if material.is_empty()
                    || material.len() > RC2_MAX_KEY
                    || !(1..=RC2_MAX_EFFECTIVE_BITS).contains(&rc2_effective_bits)
                {
                    return Err(Error::BadLen);
                }
                let cipher = Rc2::new_with_eff_key_len(material, rc2_effective_bits as usize);
                Engine::Rc2(BlockEngine {
                    cipher,
                    chain: Array::default(),
                })
            }
            AlgId::RC4 => Engine::Rc4(Box::new(StreamEngine::new(material)?)),
            _ => return Err(Error::BadAlgId),
        })
    }

    /// The chaining register (the last ciphertext block in CBC); empty for RC4.
    pub(crate) fn chain(&self) -> &[u8] {
        with_block!(self, b => &b.chain[..], stream _s => &[])
    }

    /// Returns to the initial state: the chaining register reloaded from `iv`, or the RC4
    /// keystream restarted from `material`.
    pub(crate) fn reset(&mut self, material: &[u8], iv: &[u8]) -> Result<()> {
        with_block!(self, b => {
            b.chain.copy_from_slice(iv);
            Ok(())
        }, stream s => {
            **s = StreamEngine::new(material)?;
            Ok(())
        })
    }

    /// Encrypts whole blocks (any length for RC4) in place, advancing the chaining state.
    pub(crate) fn encrypt(&mut self, mode: CipherMode, buf: &mut [u8]) -> Result<()> {
        with_block!(self, b => b.encrypt(mode, buf), stream s => {
            s.apply(buf);
            Ok(())
        })
    }

    /// Decrypts whole blocks (any length for RC4) in place, advancing the chaining state.
    pub(crate) fn decrypt(&mut self, mode: CipherMode, buf: &mut [u8]) -> Result<()> {
        with_block!(self, b => b.decrypt(mode, buf), stream s => {
            s.apply(buf);
            Ok(())
        })
    }

    /// The plaintext of the last block of `buf` (whole blocks), computed without changing any
    /// state: what a final decryption would produce there.
    pub(crate) fn peek_last_block(
        &self,
        mode: CipherMode,
        buf: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>> {
        with_block!(self, b => b.peek_last_block(mode, buf), stream _s => Err(Error::BadKey))
    }

    /// An independent copy in the same state.
    pub(crate) fn duplicate(&self, material: &[u8]) -> Result<Engine> {
        Ok(match self {
            Engine::Aes128(b) => Engine::Aes128(b.clone()),
            Engine::Aes192(b) => Engine::Aes192(b.clone()),
            Engine::Aes256(b) => Engine::Aes256(b.clone()),
            Engine::Des(b) => Engine::Des(b.clone()),
            Engine::Tdes112(b) => Engine::Tdes112(b.clone()),
            Engine::Tdes(b) => Engine::Tdes(b.clone()),
            Engine::Rc2(b) => Engine::Rc2(b.clone()),
            Engine::Rc4(s) => {
                let mut copy = StreamEngine::new(material)?;
                copy.skip(s.position);
                Engine::Rc4(Box::new(copy))
            }
        })
    }
}

impl<C> BlockEngine<C>
where
    C: BlockCipherEncrypt + BlockCipherDecrypt + KeyInit,
{
    fn new(key: &[u8]) -> Result<Self> {
        let cipher = C::new_from_slice(key).map_err(|_| Error::BadLen)?;
        Ok(BlockEngine {
            cipher,
            chain: Array::default(),
        })
    }

    fn encrypt(&mut self, mode: CipherMode, buf: &mut [u8]) -> Result<()> {
        let (blocks, tail) = InOutBuf::from(buf).into_chunks::<C::BlockSize>();
        debug_assert!(tail.is_empty(), "callers pass whole blocks");
        match mode {
            CipherMode::Cbc => {
                let mut cbc = cbc::Encryptor::<&C>::inner_iv_init(&self.cipher, &self.chain);
                cbc.encrypt_blocks_inout(blocks);
                self.chain = cbc.iv_state();
            }
            CipherMode::Ecb => self.cipher.encrypt_blocks_inout(blocks),
            CipherMode::Cfb => {
                for block in blocks.into_out() {
                    cfb8(&self.cipher, &mut self.chain, block, true);
                }
            }
            _ => return Err(Error::BadAlgId),
        }
        Ok(())
    }

    fn decrypt(&mut self, mode: CipherMode, buf: &mut [u8]) -> Result<()> {
        let (blocks, tail) = InOutBuf::from(buf).into_chunks::<C::BlockSize>();
        debug_assert!(tail.is_empty(), "callers pass whole blocks");
        match mode {
            CipherMode::Cbc => {
                let mut cbc = cbc::Decryptor::<&C>::inner_iv_init(&self.cipher, &self.chain);
                cbc.decrypt_blocks_inout(blocks);
                self.chain = cbc.iv_state();
            }
            CipherMode::Ecb => self.cipher.decrypt_blocks_inout(blocks),
            CipherMode::Cfb => {
                for block in blocks.into_out() {
                    cfb8(&self.cipher, &mut self.chain, block, false);
                }
            }
            _ => return Err(Error::BadAlgId),
        }
        Ok(())
    }

    fn peek_last_block(&self, mode: CipherMode, buf: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let bs = self.chain.len();
        let last_start = buf.len().checked_sub(bs).ok_or(Error::BadData)?;
        // The register before the last block: the previous ciphertext block, or the live one.
        let prev = match last_start.checked_sub(bs) {
            Some(start) => {
                Block::<C>::try_from(&buf[start..last_start]).map_err(|_| Error::BadData)?
            }
            None => self.chain.clone(),
        };
        let mut probe = BlockEngine {
            cipher: &self.cipher,
            chain: prev,
        };
        let mut last = Zeroizing::new(buf[last_start..].to_vec());
        probe.decrypt_ref(mode, &mut last)?;
        Ok(last)
    }
}

impl<C> BlockEngine<&C>
where
    C: BlockCipherEncrypt + BlockCipherDecrypt,
{
    /// Decrypts with a borrowed cipher (used to peek without touching the real state).
    fn decrypt_ref(&mut self, mode: CipherMode, buf: &mut [u8]) -> Result<()> {
        let (blocks, _) = InOutBuf::from(buf).into_chunks::<C::BlockSize>();
        match mode {
            CipherMode::Cbc => {
                let mut cbc = cbc::Decryptor::<&C>::inner_iv_init(self.cipher, &self.chain);
                cbc.decrypt_blocks_inout(blocks);
            }
            CipherMode::Ecb => self.cipher.decrypt_blocks_inout(blocks),
            CipherMode::Cfb => {
                for block in blocks.into_out() {
                    cfb8(self.cipher, &mut self.chain, block, false);
                }
            }
            _ => return Err(Error::BadAlgId),
        }
        Ok(())
    }
}

/// 8-bit CFB over one block's worth of bytes: for each byte the register is encrypted, its first
/// byte is XORed with the data, and the ciphertext byte is shifted into the register.
fn cfb8<C: BlockCipherEncrypt>(
    cipher: &C,
    register: &mut Block<C>,
    data: &mut [u8],
    encrypt: bool,
) {
    for byte in data {
        let mut keystream = register.clone();
        cipher.encrypt_block(&mut keystream);
        let input = *byte;
        *byte ^= keystream[0];
        let ciphertext = if encrypt { *byte } else { input };
        register.copy_within(1.., 0);
        let last = register.len() - 1;
        register[last] = ciphertext;
    }
}

impl StreamEngine {
    fn new(material: &[u8]) -> Result<Self> {
        let rc4 = Rc4::new_from_slice(material).map_err(|_| Error::BadLen)?;
        Ok(StreamEngine { rc4, position: 0 })
    }

    fn apply(&mut self, buf: &mut [u8]) {
        self.rc4.apply_keystream(buf);
        self.position = self.position.wrapping_add(buf.len() as u64);
    }

    fn skip(&mut self, mut n: u64) {
        let mut scratch = Zeroizing::new([0u8; 256]);
        while n > 0 {
            let step = usize::try_from(n.min(256)).unwrap_or(256);
            self.apply(&mut scratch[..step]);
            n -= step as u64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn aes128_cbc_matches_nist_sp800_38a() {
        // SP 800-38A F.2.1, with the IV loaded through reset.
        let key = unhex("2b7e151628aed2a6abf7158809cf4f3c");
        let iv = unhex("000102030405060708090a0b0c0d0e0f");
        let mut e = Engine::new(AlgId::AES_128, &key, 0).unwrap();
        e.reset(&key, &iv).unwrap();
        let mut buf = unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
        e.encrypt(CipherMode::Cbc, &mut buf[..16]).unwrap();
        e.encrypt(CipherMode::Cbc, &mut buf[16..]).unwrap();
        assert_eq!(
            buf,
            unhex("7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2")
        );
    }

    #[test]
    fn aes128_cfb8_matches_nist_sp800_38a() {
        // SP 800-38A F.3.7 (CFB8-AES128.Encrypt), first 16 bytes.
        let key = unhex("2b7e151628aed2a6abf7158809cf4f3c");
        let iv = unhex("000102030405060708090a0b0c0d0e0f");
        let mut e = Engine::new(AlgId::AES_128, &key, 0).unwrap();
        e.reset(&key, &iv).unwrap();
        let mut buf = unhex("6bc1bee22e409f96e93d7e117393172a");
        e.encrypt(CipherMode::Cfb, &mut buf).unwrap();
        assert_eq!(buf, unhex("3b79424c9c0dd436bace9e0ed4586a4f"));
        let mut d = Engine::new(AlgId::AES_128, &key, 0).unwrap();
        d.reset(&key, &iv).unwrap();
        d.decrypt(CipherMode::Cfb, &mut buf).unwrap();
        assert_eq!(buf, unhex("6bc1bee22e409f96e93d7e117393172a"));
    }

    #[test]
    fn peek_matches_the_real_decryption() {
        let key = [7u8; 32];
        for mode in [CipherMode::Cbc, CipherMode::Ecb, CipherMode::Cfb] {
            let mut e = Engine::new(AlgId::AES_256, &key, 0).unwrap();
            let mut buf: Vec<u8> = (0..64).collect();
            e.encrypt(mode, &mut buf).unwrap();
            for blocks in [1, 4] {
                let d = Engine::new(AlgId::AES_256, &key, 0).unwrap();
                let ct = &buf[..blocks * 16];
                let peeked = d.peek_last_block(mode, ct).unwrap();
                let mut full = ct.to_vec();
                let mut d = d;
                d.decrypt(mode, &mut full).unwrap();
                assert_eq!(&peeked[..], &full[full.len() - 16..], "{mode:?} {blocks}");
            }
        }
    }

    #[test]
    fn des_and_rc2_known_answers() {
        // FIPS 81 / the classic "Now is t" DES vector, ECB.
        let mut e = Engine::new(AlgId::DES, &unhex("0123456789abcdef"), 0).unwrap();
        let mut buf = b"Now is t".to_vec();
        e.encrypt(CipherMode::Ecb, &mut buf).unwrap();
        assert_eq!(buf, unhex("3fa40e8a984d4815"));
        // RFC 2268 section 5: key ff*8, effective 64 bits, plaintext ff*8.
        let mut e = Engine::new(AlgId::RC2, &[0xff; 8], 64).unwrap();
        let mut buf = vec![0xffu8; 8];
        e.encrypt(CipherMode::Ecb, &mut buf).unwrap();
        assert_eq!(buf, unhex("278b27e42e2f0d49"));
        // ...and key 00*8 with effective 63 bits.
        let mut e = Engine::new(AlgId::RC2, &[0; 8], 63).unwrap();
        let mut buf = vec![0u8; 8];
        e.encrypt(CipherMode::Ecb, &mut buf).unwrap();
        assert_eq!(buf, unhex("ebb773f993278eff"));
        // Lengths the rc2 key schedule would panic on are refused.
        for (len, bits) in [(0, 64), (129, 64), (8, 0), (8, 1025)] {
            assert!(matches!(
                Engine::new(AlgId::RC2, &vec![1; len], bits),
                Err(Error::BadLen)
            ));
        }
    }

    #[test]
    fn rc4_duplicate_resumes_at_the_same_point() {
        let mut e = Engine::new(AlgId::RC4, b"Key", 0).unwrap();
        let mut head = *b"Plain";
        e.encrypt(CipherMode::Cbc, &mut head).unwrap();
        assert_eq!(head, unhex("bbf316e8d9")[..]); // the classic RC4("Key", "Plaintext") vector
        let mut copy = e.duplicate(b"Key").unwrap();
        let (mut a, mut b) = (*b"text", *b"text");
        e.encrypt(CipherMode::Cbc, &mut a).unwrap();
        copy.encrypt(CipherMode::Cbc, &mut b).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, unhex("40af0ad3")[..]);
    }
}
