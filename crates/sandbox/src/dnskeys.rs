//! DKIM public keys for the simulated zones: real RSA keys, generated once with
//! `openssl genrsa 2048|1024 | openssl rsa -pubout` (SubjectPublicKeyInfo, base64). Only
//! the public halves exist; nothing is signed with them.

/// A 2048-bit RSA key: what mailcow creates by default.
pub const DKIM_RSA_2048: &str = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAofkUTDjGbP4kj27brLTvew8VKDCT1vCYd8pNvIjw2JcYD3GgTga6SsdBsBOPJqfxXovSPtD220PPDnHHR4tn9kqMQsGHzkaOBkZcie7Por9ptGZkhCc05aof81YKRRktjOjyALnf7rx+oBpuTJ1y4ClRlMjoqtWWVub7lw08GX48FsTyjUUDV9WiZaGNCl5kEHzqV7AfNOfV/K4PY513J9uZFpiHNqoZ0CELJ2W/yy4oTA0RrmSFaKoFCTNM1N+Tf6FPdchK+Q5SEVzJLhv4JJUH8f/NidsnktvXhqmZgQ0zsEhxIpZkIDWfqV94/Q1ah+ybNpBe4OcmwdXBtLQePwIDAQAB";

/// A 1024-bit RSA key: weak, still accepted by receivers.
pub const DKIM_RSA_1024: &str = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCp51wDu9J8n2VZrMNAbTbttn3UlW9XPfog09h+owQOgGTVGBfmSqutLRy29u5QhBDKZWMY/2WlElcf0weEWiBGGxmC4mNs65vofD4MNsW6ZM1pBgxq0HuKeoSCRielD9v3EmsrzaOfCpyqBz0hJ/KBiU2PvvNz0AYnBo4H3yyzRQIDAQAB";

/// The DKIM TXT value publishing `key`.
pub fn dkim_record(key: &str) -> String {
    format!("v=DKIM1; k=rsa; p={key}")
}
