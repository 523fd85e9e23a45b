//! OpenPGP password encryption as Yopass's browser code does it (openpgp.js
//! `encrypt({message, passwords: [key]})`), with rPGP. Written: SEIPDv1, AES-256, an
//! iterated and salted S2K, no compression, ASCII armor (every Yopass version reads it).
//! Read: SEIPDv1 and SEIPDv2 (AEAD, what Yopass 14 writes).

use std::io::Read;

use pgp::composed::{ArmorOptions, Message, MessageBuilder};
use pgp::crypto::hash::HashAlgorithm;
use pgp::crypto::sym::SymmetricKeyAlgorithm;
use pgp::packet::DataMode;
use pgp::types::{Password, StringToKey};
use rand::rngs::OsRng;
use rand::Rng;

use super::secret::{SecretError, SecretText};

/// The key alphabet and length of Yopass's generated keys.
const KEY_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub(super) const KEY_LENGTH: usize = 22;
/// The S2K count byte openpgp.js writes (65,011,712 bytes hashed).
const S2K_COUNT: u8 = 224;
/// A decrypted secret larger than this is not a Yopass secret (the server takes 10,000
/// characters of ciphertext); reading stops there.
const MAX_PLAINTEXT: u64 = 1024 * 1024;

/// A new key: 22 characters of `[A-Za-z0-9]` from the operating system's random source,
/// without modulo bias (rejection sampling, as Yopass does).
pub(super) fn generate_key() -> SecretText {
    let mut rng = OsRng;
    let mut key = String::with_capacity(KEY_LENGTH);
    let limit = 256 - (256 % KEY_ALPHABET.len());
    while key.len() < KEY_LENGTH {
        let byte: u8 = rng.gen();
        if usize::from(byte) < limit {
            key.push(char::from(
                KEY_ALPHABET[usize::from(byte) % KEY_ALPHABET.len()],
            ));
        }
    }
    SecretText::new(key)
}

pub(super) fn is_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= 256 && key.bytes().all(|b| b.is_ascii_graphic())
}

/// Encrypts `plaintext` with `key`: an armored SEIPDv1 message.
pub(super) fn encrypt(plaintext: &str, key: &str) -> Result<String, SecretError> {
    let mut rng = OsRng;
    // Text is stored with CRLF line ends (as openpgp.js does); readers give LF back.
    let canonical = plaintext.replace("\r\n", "\n").replace('\n', "\r\n");
    let mut builder = MessageBuilder::from_bytes("", canonical.into_bytes())
        .seipd_v1(&mut rng, SymmetricKeyAlgorithm::AES256);
    builder
        .data_mode(DataMode::Utf8)
        .map_err(|e| SecretError::Crypto(e.to_string()))?;
    let s2k = StringToKey::new_iterated(&mut rng, HashAlgorithm::Sha256, S2K_COUNT);
    builder
        .encrypt_with_password(s2k, &Password::from(key))
        .map_err(|e| SecretError::Crypto(e.to_string()))?;
    builder
        .to_armored_string(rng, ArmorOptions::default())
        .map_err(|e| SecretError::Crypto(e.to_string()))
}

/// Decrypts an armored password-encrypted message (SEIPDv1 or SEIPDv2). A wrong key, a
/// damaged message and a message that is not one all fail cleanly.
pub(super) fn decrypt(armored: &str, key: &str) -> Result<SecretText, SecretError> {
    let (message, _) = Message::from_string(armored).map_err(|_| SecretError::NotASecret)?;
    if !message.is_encrypted() {
        return Err(SecretError::NotASecret);
    }
    let mut message = message
        .decrypt_with_password(&Password::from(key))
        .map_err(|_| SecretError::WrongKey)?;
    while message.is_compressed() {
        message = message.decompress().map_err(|_| SecretError::WrongKey)?;
    }
    let text_mode = message
        .literal_data_header()
        .is_some_and(|h| matches!(h.mode(), DataMode::Utf8 | DataMode::Text));
    let mut plain = Vec::new();
    // The integrity check (MDC or AEAD tag) fails while reading when the key is wrong.
    (&mut message)
        .take(MAX_PLAINTEXT)
        .read_to_end(&mut plain)
        .map_err(|_| SecretError::WrongKey)?;
    let text = String::from_utf8(plain).map_err(|_| SecretError::NotText)?;
    // openpgp.js writes text with CRLF line ends and gives LF back.
    Ok(SecretText::new(if text_mode {
        text.replace("\r\n", "\n")
    } else {
        text
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_keys_have_22_alphanumeric_characters() {
        let a = generate_key();
        let b = generate_key();
        assert_eq!(a.expose().len(), KEY_LENGTH);
        assert!(a.expose().bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a.expose(), b.expose());
    }

    #[test]
    fn support_secret_round_trips_and_a_wrong_key_fails() {
        let key = generate_key();
        let armored = encrypt("Grüße\nline two", key.expose()).unwrap();
        assert!(armored.starts_with("-----BEGIN PGP MESSAGE-----"));
        let plain = decrypt(&armored, key.expose()).unwrap();
        assert_eq!(plain.expose(), "Grüße\nline two");
        assert!(matches!(
            decrypt(&armored, "WrongKeyWrongKeyWrong1"),
            Err(SecretError::WrongKey)
        ));
        assert!(matches!(
            decrypt("not armor", key.expose()),
            Err(SecretError::NotASecret)
        ));
    }
}
