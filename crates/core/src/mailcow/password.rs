//! Generated mailbox passwords, from the operating system's random source. They are shown
//! once or written to a file the user names; they never reach the cache or a log.

use super::error::MailcowError;
use crate::portal::Sensitive;

const LENGTH: usize = 20;
const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
const DIGITS: &[u8] = b"23456789";
const SYMBOLS: &[u8] = b"-_.!#+";

/// One random index below `n`, without modulo bias.
fn index(n: usize) -> Result<usize, MailcowError> {
    let n = n as u32;
    let limit = u32::MAX - u32::MAX % n;
    loop {
        let mut bytes = [0u8; 4];
        getrandom::fill(&mut bytes)
            .map_err(|e| MailcowError::Unexpected(format!("no random source: {e}")))?;
        let value = u32::from_le_bytes(bytes);
        if value < limit {
            return Ok((value % n) as usize);
        }
    }
}

/// A 20-character password with lower and upper case letters, digits and a symbol (so
/// any mailcow password policy accepts it), without look-alike characters (0/O, 1/l/I).
pub fn generate() -> Result<Sensitive<String>, MailcowError> {
    let all: Vec<u8> = [LOWER, UPPER, DIGITS, SYMBOLS].concat();
    let mut chars: Vec<u8> = Vec::with_capacity(LENGTH);
    for class in [LOWER, UPPER, DIGITS, SYMBOLS] {
        chars.push(class[index(class.len())?]);
    }
    while chars.len() < LENGTH {
        chars.push(all[index(all.len())?]);
    }
    // Shuffle (Fisher-Yates) so the required classes are not always first.
    for i in (1..chars.len()).rev() {
        chars.swap(i, index(i + 1)?);
    }
    Ok(Sensitive::new(chars.into_iter().map(char::from).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailcow_generated_passwords_have_every_class_and_differ() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let p = generate().unwrap();
            let p = p.expose();
            assert_eq!(p.len(), LENGTH);
            assert!(p.bytes().any(|b| LOWER.contains(&b)));
            assert!(p.bytes().any(|b| UPPER.contains(&b)));
            assert!(p.bytes().any(|b| DIGITS.contains(&b)));
            assert!(p.bytes().any(|b| SYMBOLS.contains(&b)));
            assert!(!p.contains(['0', 'O', '1', 'l', 'I']));
            assert!(seen.insert(p.clone()), "a password came twice");
        }
    }

    #[test]
    fn mailcow_generated_password_is_redacted() {
        let p = generate().unwrap();
        assert!(!format!("{p:?}").contains(p.expose().as_str()));
    }
}
