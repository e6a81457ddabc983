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
