//! DSA keys in PKCS#8, SPKI and OpenSSL's traditional `DSA PRIVATE KEY`, over the DSS core's
//! checked [`DsaKey`].
//!
//! ```text
//! AlgorithmIdentifier { id-dsa (1.2.840.10040.4.1), Dss-Parms ::= SEQUENCE { p, q, g INTEGER } }
//! PrivateKeyInfo.privateKey      OCTET STRING holding  INTEGER x
//! SubjectPublicKeyInfo.publicKey BIT STRING holding    INTEGER y
//! DSAPrivateKey (OpenSSL)        SEQUENCE { version 0, p, q, g, y, x INTEGER }
//! ```
//!
//! The structures are encoded and decoded by the `der` crate (`UintRef` integers, the
//! `Sequence` trait as `pkcs1` uses it); this file only moves numbers between their big-endian
//! DER integers and the little-endian blob numbers the DSS core checks. Every key read goes
//! through [`DsaKey::from_blob`]: p of 512 to 1024 bits in whole bytes, a 160-bit q dividing
//! p − 1, 1 < g < p − 1 with g^q ≡ 1 (mod p), 1 ≤ x < q, 1 < y < p − 1 with y^q ≡ 1, and, when
//! the file holds both, y = g^x. Anything else is `NTE_BAD_DATA`.

use der::asn1::{AnyRef, BitStringRef, ObjectIdentifier, OctetStringRef, UintRef};
use der::{Decode, DecodeValue, Encode, EncodeValue, Header, Length, Reader, Sequence, Writer};
use pkcs8::PrivateKeyInfoRef;
use spki::{AlgorithmIdentifier, SubjectPublicKeyInfoRef};
use zeroize::Zeroizing;

use super::numbers::{be_bit_len, be_trimmed, le_fixed};
use super::pkcs::to_der;
use crate::dss::{CALG_DSS_SIGN, DlBlob, DsaKey, DssSeed, Family};
use crate::error::{Error, Result};

/// `id-dsa`, 1.2.840.10040.4.1 (RFC 3279).
pub(super) const DSA_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10040.4.1");
/// `DSA PRIVATE KEY`: OpenSSL's traditional `DSAPrivateKey`.
pub(super) const LABEL_DSA_PRIVATE: &str = "DSA PRIVATE KEY";
/// Bytes of q and x (FIPS 186-2).
const Q_LEN: usize = 20;

fn der_error(_: der::Error) -> Error {
    Error::BadData
}

/// `Dss-Parms ::= SEQUENCE { p INTEGER, q INTEGER, g INTEGER }` (RFC 3279 §2.3.2).
struct DssParms<'a> {
    p: UintRef<'a>,
    q: UintRef<'a>,
    g: UintRef<'a>,
}

impl<'a> DecodeValue<'a> for DssParms<'a> {
    type Error = der::Error;
    fn decode_value<R: Reader<'a>>(reader: &mut R, _header: Header) -> der::Result<Self> {
        Ok(Self {
            p: reader.decode()?,
            q: reader.decode()?,
            g: reader.decode()?,
        })
    }
}

impl EncodeValue for DssParms<'_> {
    fn value_len(&self) -> der::Result<Length> {
        self.p.encoded_len()? + self.q.encoded_len()? + self.g.encoded_len()?
    }

    fn encode_value(&self, writer: &mut impl Writer) -> der::Result<()> {
        self.p.encode(writer)?;
        self.q.encode(writer)?;
        self.g.encode(writer)
    }
}

impl<'a> Sequence<'a> for DssParms<'a> {}

/// OpenSSL's `DSAPrivateKey ::= SEQUENCE { version INTEGER (0), p, q, g, y, x INTEGER }`.
struct DsaPrivateKey<'a> {
    p: UintRef<'a>,
    q: UintRef<'a>,
    g: UintRef<'a>,
    y: UintRef<'a>,
    x: UintRef<'a>,
}

impl<'a> DecodeValue<'a> for DsaPrivateKey<'a> {
    type Error = der::Error;
    fn decode_value<R: Reader<'a>>(reader: &mut R, _header: Header) -> der::Result<Self> {
        let version: u8 = reader.decode()?;
        if version != 0 {
            return Err(der::Tag::Integer.value_error().into());
        }
        Ok(Self {
            p: reader.decode()?,
            q: reader.decode()?,
            g: reader.decode()?,
            y: reader.decode()?,
            x: reader.decode()?,
        })
    }
}

impl EncodeValue for DsaPrivateKey<'_> {
    fn value_len(&self) -> der::Result<Length> {
        0u8.encoded_len()?
            + self.p.encoded_len()?
            + self.q.encoded_len()?
            + self.g.encoded_len()?
            + self.y.encoded_len()?
            + self.x.encoded_len()?
    }

    fn encode_value(&self, writer: &mut impl Writer) -> der::Result<()> {
        0u8.encode(writer)?;
        self.p.encode(writer)?;
        self.q.encode(writer)?;
        self.g.encode(writer)?;
        self.y.encode(writer)?;
        self.x.encode(writer)
    }
}

impl<'a> Sequence<'a> for DsaPrivateKey<'a> {}

/// Whether `der` is a traditional `DSAPrivateKey` (for format detection).
pub(super) fn is_traditional(der: &[u8]) -> bool {
    DsaPrivateKey::from_der(der).is_ok()
}

// ---------------------------------------------------------------------------------------------
// Reading

/// The checked key of big-endian numbers: y alone (a public key), x alone (y = g^x computed),
/// or both (y must be g^x).
fn key_of(params: &DssParms<'_>, y: Option<UintRef<'_>>, x: Option<UintRef<'_>>) -> Result<DsaKey> {
    let bits = be_bit_len(params.p.as_bytes());
    if !bits.is_multiple_of(8) {
        return Err(Error::BadData);
    }
    let len = (bits / 8) as usize;
    let mut blob = DlBlob {
        family: Family::Dss,
        private: x.is_some(),
        version3: false,
        alg: CALG_DSS_SIGN,
        bits,
        bits_q: 160,
        bits_j: 0,
        bits_x: 0,
        p: le_fixed(params.p.as_bytes(), len)?.to_vec(),
        q: le_fixed(params.q.as_bytes(), Q_LEN)?.to_vec(),
        g: le_fixed(params.g.as_bytes(), len)?.to_vec(),
        j: Vec::new(),
        y: Vec::new(),
        x: Zeroizing::new(Vec::new()),
        seed: Some(DssSeed::NONE),
    };
    let y = y.map(|y| le_fixed(y.as_bytes(), len)).transpose()?;
    match x {
        Some(x) => blob.x = le_fixed(x.as_bytes(), Q_LEN)?,
        None => blob.y = y.as_ref().ok_or(Error::BadData)?.to_vec(),
    }
    let key = DsaKey::from_blob(&blob)?;
    if let (Some(y), true) = (y, blob.private)
        && key.to_blob(false, false)?.y != *y
    {
        return Err(Error::BadData);
    }
    Ok(key)
}

/// The `Dss-Parms` of an algorithm identifier (they must be present: keys that inherit their
/// parameters from a certificate have no form here).
fn params_of<'a>(algorithm: &AlgorithmIdentifier<AnyRef<'a>>) -> Result<DssParms<'a>> {
    let params = algorithm.parameters.ok_or(Error::BadData)?;
    params.decode_as::<DssParms<'a>>().map_err(der_error)
}

/// The DSA key of a PKCS#8 `PrivateKeyInfo` whose algorithm is `id-dsa`.
pub(super) fn parse_pkcs8(info: &PrivateKeyInfoRef<'_>) -> Result<DsaKey> {
    let params = params_of(&info.algorithm)?;
    let x = UintRef::from_der(info.private_key.as_bytes()).map_err(der_error)?;
    key_of(&params, None, Some(x))
}

/// The DSA key of an X.509 `SubjectPublicKeyInfo` whose algorithm is `id-dsa`.
pub(super) fn parse_spki(info: &SubjectPublicKeyInfoRef<'_>) -> Result<DsaKey> {
    let params = params_of(&info.algorithm)?;
    let key = info.subject_public_key.as_bytes().ok_or(Error::BadData)?;
    let y = UintRef::from_der(key).map_err(der_error)?;
    key_of(&params, Some(y), None)
}

/// The key of OpenSSL's traditional `DSAPrivateKey` DER.
pub(super) fn parse_traditional(der: &[u8]) -> Result<DsaKey> {
    let key = DsaPrivateKey::from_der(der).map_err(der_error)?;
    let params = DssParms {
        p: key.p,
        q: key.q,
        g: key.g,
    };
    key_of(&params, Some(key.y), Some(key.x))
}

// ---------------------------------------------------------------------------------------------
// Writing

/// The big-endian numbers of a key: p, q, g, y and, when `private`, x (wiped on drop).
struct Numbers {
    p: Zeroizing<Vec<u8>>,
    q: Zeroizing<Vec<u8>>,
    g: Zeroizing<Vec<u8>>,
    y: Zeroizing<Vec<u8>>,
    x: Option<Zeroizing<Vec<u8>>>,
}

impl Numbers {
    fn of(key: &DsaKey, private: bool) -> Result<Numbers> {
        let public = key.to_blob(false, false)?;
        let x = if private {
            Some(be_trimmed(&key.to_blob(true, false)?.x))
        } else {
            None
        };
        Ok(Numbers {
            p: be_trimmed(&public.p),
            q: be_trimmed(&public.q),
            g: be_trimmed(&public.g),
            y: be_trimmed(&public.y),
            x,
        })
    }

    fn params(&self) -> Result<DssParms<'_>> {
        Ok(DssParms {
            p: uint(&self.p)?,
            q: uint(&self.q)?,
            g: uint(&self.g)?,
        })
    }

    fn x(&self) -> Result<&[u8]> {
        self.x
            .as_deref()
            .map(Vec::as_slice)
            .ok_or(Error::BadKeyState)
    }
}

fn uint(be: &[u8]) -> Result<UintRef<'_>> {
    UintRef::new(be).map_err(der_error)
}

/// PKCS#8 `PrivateKeyInfo` DER (version 1, `id-dsa` with `Dss-Parms`, x as an INTEGER), as
/// OpenSSL writes it. `NTE_BAD_KEY_STATE` for a public key.
pub(super) fn pkcs8(key: &DsaKey) -> Result<Zeroizing<Vec<u8>>> {
    if !key.has_private() {
        return Err(Error::BadKeyState);
    }
    let numbers = Numbers::of(key, true)?;
    let params = to_der(&numbers.params()?)?;
    let x = to_der(&uint(numbers.x()?)?)?;
    let algorithm = AlgorithmIdentifier {
        oid: DSA_OID,
        parameters: Some(AnyRef::from_der(&params).map_err(der_error)?),
    };
    let info = PrivateKeyInfoRef::new(algorithm, OctetStringRef::new(&x).map_err(der_error)?);
    to_der(&info)
}

/// X.509 `SubjectPublicKeyInfo` DER (`id-dsa` with `Dss-Parms`, y as an INTEGER).
pub(super) fn spki(key: &DsaKey) -> Result<Zeroizing<Vec<u8>>> {
    let numbers = Numbers::of(key, false)?;
    let params = to_der(&numbers.params()?)?;
    let y = to_der(&uint(&numbers.y)?)?;
    let info = SubjectPublicKeyInfoRef {
        algorithm: AlgorithmIdentifier {
            oid: DSA_OID,
            parameters: Some(AnyRef::from_der(&params).map_err(der_error)?),
        },
        subject_public_key: BitStringRef::from_bytes(&y).map_err(der_error)?,
    };
    to_der(&info)
}

/// OpenSSL's traditional `DSAPrivateKey` DER. `NTE_BAD_KEY_STATE` for a public key.
pub(super) fn traditional(key: &DsaKey) -> Result<Zeroizing<Vec<u8>>> {
    if !key.has_private() {
        return Err(Error::BadKeyState);
    }
    let numbers = Numbers::of(key, true)?;
    let der = DsaPrivateKey {
        p: uint(&numbers.p)?,
        q: uint(&numbers.q)?,
        g: uint(&numbers.g)?,
        y: uint(&numbers.y)?,
        x: uint(numbers.x()?)?,
    };
    to_der(&der)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FIPS 186-2 Appendix 5's p, q, g and x (big-endian), and its y.
    const P: &str = "8df2a494492276aa3d25759bb06869cbeac0d83afb8d0cf7cbb8324f0d7882e5d0762fc5b7210eafc2e9adac32ab7aac49693dfbf83724c2ec0736ee31c80291";
    const Q: &str = "c773218c737ec8ee993b4f2ded30f48edace915f";
    const G: &str = "626d027839ea0a13413163a55b4cb500299d5522956cefcb3bff10f399ce2c2e71cb9de5fa24babf58e5b79521925c9cc42e9f6f464b088cc572af53e6d78802";
    const X: &str = "2070b3223dba372fde1c0ffc7b2e3b498b260614";
    const Y: &str = "19131871d75b1612a819f29d78d1b0d7346f7aa77bb62a859bfd6c5675da9d212d3a36ef1672ef660b8c7c255cc0ec74858fba33f44c06699630a76b030ee333";

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn fips_key() -> DsaKey {
        let (p, q, g, x, y) = (hex(P), hex(Q), hex(G), hex(X), hex(Y));
        let params = DssParms {
            p: UintRef::new(&p).unwrap(),
            q: UintRef::new(&q).unwrap(),
            g: UintRef::new(&g).unwrap(),
        };
        let y = UintRef::new(&y).unwrap();
        key_of(&params, Some(y), Some(UintRef::new(&x).unwrap())).unwrap()
    }

    #[test]
    fn the_fips_key_reads_from_x_alone_and_from_y_alone() {
        let key = fips_key();
        let (p, q, g, x, y) = (hex(P), hex(Q), hex(G), hex(X), hex(Y));
        let params = DssParms {
            p: UintRef::new(&p).unwrap(),
            q: UintRef::new(&q).unwrap(),
            g: UintRef::new(&g).unwrap(),
        };
        let from_x = key_of(&params, None, Some(UintRef::new(&x).unwrap())).unwrap();
        let from_y = key_of(&params, Some(UintRef::new(&y).unwrap()), None).unwrap();
        assert_eq!(
            from_x.to_blob(false, false).unwrap(),
            key.to_blob(false, false).unwrap()
        );
        assert_eq!(
            from_y.to_blob(false, false).unwrap(),
            key.to_blob(false, false).unwrap()
        );
        assert!(!from_y.has_private());
        // A y that is not g^x, an x of q or more.
        let mut other_y = y.clone();
        other_y[63] ^= 1;
        let bad = key_of(
            &params,
            Some(UintRef::new(&other_y).unwrap()),
            Some(UintRef::new(&x).unwrap()),
        );
        assert!(matches!(bad, Err(Error::BadData)));
        let bad = key_of(&params, None, Some(UintRef::new(&q).unwrap()));
        assert!(matches!(bad, Err(Error::BadData)));
    }

    #[test]
    fn every_structure_round_trips() {
        let key = fips_key();
        let pkcs8_der = pkcs8(&key).unwrap();
        let info = PrivateKeyInfoRef::from_der(&pkcs8_der).unwrap();
        assert_eq!(info.algorithm.oid, DSA_OID);
        let back = parse_pkcs8(&info).unwrap();
        assert_eq!(*pkcs8(&back).unwrap(), *pkcs8_der);

        let spki_der = spki(&key).unwrap();
        let info = SubjectPublicKeyInfoRef::from_der(&spki_der).unwrap();
        let back = parse_spki(&info).unwrap();
        assert!(!back.has_private());
        assert_eq!(*spki(&back).unwrap(), *spki_der);
        assert!(matches!(pkcs8(&back), Err(Error::BadKeyState)));
        assert!(matches!(traditional(&back), Err(Error::BadKeyState)));

        let der = traditional(&key).unwrap();
        assert!(is_traditional(&der));
        assert_eq!(
            *traditional(&parse_traditional(&der).unwrap()).unwrap(),
            *der
        );
        // Version 1 is not OpenSSL's DSAPrivateKey.
        let mut v1 = der.to_vec();
        let at = v1.windows(3).position(|w| w == [2, 1, 0]).unwrap();
        v1[at + 2] = 1;
        assert!(!is_traditional(&v1));
        assert!(matches!(parse_traditional(&v1), Err(Error::BadData)));
    }
}
