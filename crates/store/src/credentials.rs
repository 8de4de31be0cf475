//! Secrets as Warren keeps them: passwords hashed with argon2id at OWASP's
//! parameters (19 MiB, 2 passes, 1 lane), and random secrets (refresh
//! tokens, API keys, invitation and reset tokens) stored as SHA-256 digests.
//!
//! The API checks sign-ins with these; the demo and the benchmark create
//! their accounts and keys with the same functions, so seeded credentials
//! sign in like any other.

use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use sha2::{Digest, Sha256};

/// A password could not be hashed (argon2 refused its input or parameters):
/// a fault of ours, never the user's.
#[derive(Debug, thiserror::Error)]
#[error("hashing a password: {0}")]
pub struct PasswordHashError(argon2::password_hash::Error);

fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("OWASP argon2id parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string.
pub fn hash_password(password: &str) -> Result<String, PasswordHashError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(PasswordHashError)
}

/// Checks a password against a stored hash. With no hash (unknown account) it
/// still does the work, so timing does not tell which e-mails exist.
pub fn verify_password(password: &str, hash: Option<&str>) -> bool {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password("a password nobody has").unwrap_or_default());
    let (hash, real) = match hash {
        Some(hash) => (hash, true),
        None => (dummy.as_str(), false),
    };
    let verified = PasswordHash::new(hash)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false);
    verified && real
}

/// A new random secret with a readable prefix, e.g. `wrt_…`.
pub fn new_secret(prefix: &str) -> String {
    let random =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    format!("{prefix}_{random}")
}

/// The stored digest of a secret: its SHA-256 in lower-case hexadecimal.
pub fn digest(secret: &str) -> String {
    format!("{:x}", Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_hash() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("correct horse battery", Some(&hash)));
        assert!(!verify_password("wrong horse battery", Some(&hash)));
        assert!(!verify_password("correct horse battery", None));
    }

    #[test]
    fn a_digest_is_the_sha256_in_lower_case_hex() {
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_secret_carries_its_prefix_and_32_random_bytes() {
        let secret = new_secret("wrk");
        let random = secret.strip_prefix("wrk_").expect("the prefix");
        assert_eq!(random.len(), 43);
        assert_ne!(new_secret("wrk"), secret);
    }
}
