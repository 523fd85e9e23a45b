//! DKIM key records (RFC 6376 3.6.1): the tags, and the size of an RSA key measured from
//! its DER encoding with a small hand-written reader (SubjectPublicKeyInfo, or a bare
//! PKCS#1 RSAPublicKey as some tools publish).

use base64::Engine;

/// mailcow's default selector.
pub const SELECTOR: &str = "dkim";
pub const WARN_BELOW_BITS: u32 = 2048;
pub const FAIL_BELOW_BITS: u32 = 1024;

/// rsaEncryption, 1.2.840.113549.1.1.1
const RSA_OID: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
/// id-Ed25519, 1.3.101.112
const ED25519_OID: &[u8] = &[0x2b, 0x65, 0x70];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DkimKey {
    Rsa {
        bits: u32,
    },
    Ed25519,
    /// `p=` empty: the key was revoked.
    Revoked,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DkimError {
    #[error("the record has no p= tag")]
    NoKey,
    #[error("v= must be DKIM1 and come first")]
    BadVersion,
    #[error("unsupported key type {0}")]
    UnsupportedKeyType(String),
    #[error("the key is not valid base64")]
    Base64,
    #[error("the key is not a valid public key")]
    Der,
}

impl DkimError {
    /// Stable reason code for the finding's parameters.
    pub fn code(&self) -> &'static str {
        match self {
            DkimError::NoKey => "no_key",
            DkimError::BadVersion => "bad_version",
            DkimError::UnsupportedKeyType(_) => "key_type",
            DkimError::Base64 => "base64",
            DkimError::Der => "der",
        }
    }
}

/// `tag=value` pairs separated by `;`, whitespace around them ignored.
pub fn tags(record: &str) -> Vec<(String, String)> {
    record
        .split(';')
        .filter_map(|part| {
            let (name, value) = part.split_once('=')?;
            Some((name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        })
        .collect()
}

/// Looks like a DKIM key record (rather than some other TXT at the same name).
pub fn is_dkim(record: &str) -> bool {
    let tags = tags(record);
    tags.iter().any(|(n, v)| n == "v" && v == "DKIM1") || tags.iter().any(|(n, _)| n == "p")
}

pub fn parse_record(record: &str) -> Result<DkimKey, DkimError> {
    let tags = tags(record);
    if let Some(index) = tags.iter().position(|(n, _)| n == "v") {
        if index != 0 || tags[index].1 != "DKIM1" {
            return Err(DkimError::BadVersion);
        }
    }
    let key_type = tags
        .iter()
        .find(|(n, _)| n == "k")
        .map(|(_, v)| v.to_ascii_lowercase())
        .unwrap_or_else(|| "rsa".to_owned());
    let key = tags
        .iter()
        .find(|(n, _)| n == "p")
        .map(|(_, v)| v.as_str())
        .ok_or(DkimError::NoKey)?;
    let key: String = key.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if key.is_empty() {
        return Ok(DkimKey::Revoked);
    }
    let der = base64::engine::general_purpose::STANDARD
        .decode(key.as_bytes())
        .map_err(|_| DkimError::Base64)?;
    match key_type.as_str() {
        "rsa" => rsa_modulus_bits(&der).map(|bits| DkimKey::Rsa { bits }),
        // RFC 8463: the raw 32-byte key, or (seen in the wild) an SPKI wrapping it.
        "ed25519" if der.len() == 32 || spki_algorithm(&der) == Some(ED25519_OID) => {
            Ok(DkimKey::Ed25519)
        }
        "ed25519" => Err(DkimError::Der),
        other => Err(DkimError::UnsupportedKeyType(other.to_owned())),
    }
}

/// Bits of the RSA modulus in a SubjectPublicKeyInfo or a PKCS#1 RSAPublicKey.
pub fn rsa_modulus_bits(der: &[u8]) -> Result<u32, DkimError> {
    let (tag, outer, rest) = read_tlv(der).ok_or(DkimError::Der)?;
    if tag != 0x30 || !rest.is_empty() {
        return Err(DkimError::Der);
    }
    let (first_tag, first, after_first) = read_tlv(outer).ok_or(DkimError::Der)?;
    let rsa_key = match first_tag {
        // SubjectPublicKeyInfo: SEQUENCE { AlgorithmIdentifier, BIT STRING }
        0x30 => {
            let (oid_tag, oid, _) = read_tlv(first).ok_or(DkimError::Der)?;
            if oid_tag != 0x06 || oid != RSA_OID {
                return Err(DkimError::Der);
            }
            let (bits_tag, bit_string, trailing) = read_tlv(after_first).ok_or(DkimError::Der)?;
            if bits_tag != 0x03 || !trailing.is_empty() {
                return Err(DkimError::Der);
            }
            match bit_string.split_first() {
                Some((0, key)) => key,
                _ => return Err(DkimError::Der),
            }
        }
        // RSAPublicKey: SEQUENCE { INTEGER n, INTEGER e }
        0x02 => der,
        _ => return Err(DkimError::Der),
    };
    let (seq_tag, seq, trailing) = read_tlv(rsa_key).ok_or(DkimError::Der)?;
    if seq_tag != 0x30 || !trailing.is_empty() {
        return Err(DkimError::Der);
    }
    let (n_tag, modulus, rest) = read_tlv(seq).ok_or(DkimError::Der)?;
    let (e_tag, exponent, rest) = read_tlv(rest).ok_or(DkimError::Der)?;
    if n_tag != 0x02 || e_tag != 0x02 || !rest.is_empty() || exponent.is_empty() {
        return Err(DkimError::Der);
    }
    let significant: &[u8] = match modulus.iter().position(|b| *b != 0) {
        Some(i) => &modulus[i..],
        None => return Err(DkimError::Der),
    };
    let bits = (significant.len() as u64 - 1) * 8 + u64::from(8 - significant[0].leading_zeros());
    u32::try_from(bits).map_err(|_| DkimError::Der)
}

fn spki_algorithm(der: &[u8]) -> Option<&[u8]> {
    let (_, outer, _) = read_tlv(der)?;
    let (_, algorithm, _) = read_tlv(outer)?;
    let (tag, oid, _) = read_tlv(algorithm)?;
    (tag == 0x06).then_some(oid)
}

/// One DER tag-length-value: (tag, content, rest). Single-byte tags, definite lengths of
/// up to 4 length bytes, minimal encodings not enforced.
pub fn read_tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let (bytes, after) = rest.split_at(count);
        rest = after;
        bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b))
    };
    if rest.len() < len {
        return None;
    }
    let (content, rest) = rest.split_at(len);
    Some((tag, content, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 1024-bit RSA key (openssl genrsa 1024 | openssl rsa -pubout), SPKI base64.
    const RSA_1024: &str = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC74RpjEQBK4H0p7xPD2nFvR0w3K1BBsCs4DmTZnOqR9UMjuJiaCutDzaTgT7XCJMW5pjd4LFIATEH38fuzoBJ7fOKXqDC+ijCwnQtMbD6NCZGENcTkJzt7Zse8ZhoQ/R8J0Pq/RxYPF9aBxwZpCuVgF+c2lIuqvyWickzlQo+E7QIDAQAB";

    #[test]
    fn dnscheck_dkim_measures_rsa_keys() {
        let record = format!("v=DKIM1; k=rsa; p={RSA_1024}");
        assert_eq!(parse_record(&record), Ok(DkimKey::Rsa { bits: 1024 }));
        // Whitespace inside p= (long keys split over strings) is ignored.
        let spaced = format!("v=DKIM1;p={} {}", &RSA_1024[..40], &RSA_1024[40..]);
        assert_eq!(parse_record(&spaced), Ok(DkimKey::Rsa { bits: 1024 }));
        assert_eq!(parse_record("v=DKIM1; p="), Ok(DkimKey::Revoked));
    }

    #[test]
    fn dnscheck_dkim_rejects_broken_records() {
        assert_eq!(parse_record("v=DKIM1; k=rsa"), Err(DkimError::NoKey));
        assert_eq!(
            parse_record("k=rsa; v=DKIM1; p=AA"),
            Err(DkimError::BadVersion)
        );
        assert_eq!(parse_record("v=DKIM1; p=!!!"), Err(DkimError::Base64));
        assert_eq!(parse_record("v=DKIM1; p=AAAA"), Err(DkimError::Der));
        assert_eq!(
            parse_record(&format!("v=DKIM1; k=dsa; p={RSA_1024}")),
            Err(DkimError::UnsupportedKeyType("dsa".into()))
        );
        // A truncated key is not a key.
        assert_eq!(
            parse_record(&format!("v=DKIM1; p={}", &RSA_1024[..100])),
            Err(DkimError::Der)
        );
    }

    #[test]
    fn dnscheck_der_lengths() {
        assert_eq!(
            read_tlv(&[0x02, 0x01, 0x05, 0xff]),
            Some((0x02, &[5u8][..], &[0xffu8][..]))
        );
        assert_eq!(
            read_tlv(&[0x04, 0x81, 0x02, 1, 2]),
            Some((0x04, &[1u8, 2][..], &[][..]))
        );
        assert_eq!(read_tlv(&[0x04, 0x82, 0x00]), None);
        assert_eq!(read_tlv(&[0x04, 0x80]), None);
        assert_eq!(read_tlv(&[0x04, 0x05, 1]), None);
        // PKCS#1 RSAPublicKey: modulus 0x00 0x80 .. = 9 bits? 0x0180 -> 9 bits.
        let pkcs1 = [0x30, 0x07, 0x02, 0x02, 0x01, 0x80, 0x02, 0x01, 0x03];
        assert_eq!(rsa_modulus_bits(&pkcs1), Ok(9));
    }
}
