//! Principals, issued credentials and the ids the emulator makes up.

use std::collections::HashMap;
use std::time::SystemTime;

use sha2::{Digest, Sha256};

use crate::config::Account;

/// Who signed a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Principal {
    Root {
        account: String,
    },
    User {
        account: String,
        name: String,
    },
    AssumedRole {
        account: String,
        role: String,
        session: String,
    },
    FederatedUser {
        account: String,
        name: String,
    },
}

impl Principal {
    pub(crate) fn account(&self) -> &str {
        match self {
            Principal::Root { account }
            | Principal::User { account, .. }
            | Principal::AssumedRole { account, .. }
            | Principal::FederatedUser { account, .. } => account,
        }
    }

    pub(crate) fn arn(&self) -> String {
        match self {
            Principal::Root { account } => format!("arn:aws:iam::{account}:root"),
            Principal::User { account, name } => format!("arn:aws:iam::{account}:user/{name}"),
            Principal::AssumedRole {
                account,
                role,
                session,
            } => format!("arn:aws:sts::{account}:assumed-role/{role}/{session}"),
            Principal::FederatedUser { account, name } => {
                format!("arn:aws:sts::{account}:federated-user/{name}")
            }
        }
    }

    /// `UserId` as GetCallerIdentity returns it.
    pub(crate) fn user_id(&self) -> String {
        match self {
            Principal::Root { account } => account.clone(),
            Principal::User { account, name } => {
                unique_id("AIDA", &format!("arn:aws:iam::{account}:user/{name}"))
            }
            Principal::AssumedRole {
                account,
                role,
                session,
            } => format!("{}:{session}", role_id(account, role)),
            Principal::FederatedUser { account, name } => format!("{account}:{name}"),
        }
    }
}

/// The stable unique id of a role (`AROA...`).
pub(crate) fn role_id(account: &str, role: &str) -> String {
    unique_id("AROA", &format!("arn:aws:iam::{account}:role/{role}"))
}

/// A stable IAM unique id: a prefix and 17 characters derived from the ARN.
fn unique_id(prefix: &str, arn: &str) -> String {
    let digest = Sha256::digest(arn.as_bytes());
    let mut id = String::from(prefix);
    id.extend(
        digest
            .iter()
            .take(17)
            .map(|b| BASE32[(*b as usize) % 32] as char),
    );
    id
}

/// A session behind temporary credentials.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) token: String,
    pub(crate) expires: SystemTime,
    pub(crate) source_identity: Option<String>,
}

/// An access key the emulator knows: its secret, whose it is, and (for
/// temporary credentials) its session.
#[derive(Debug, Clone)]
pub(crate) struct KeyEntry {
    pub(crate) secret: String,
    pub(crate) principal: Principal,
    pub(crate) session: Option<Session>,
}

/// All access keys, from the configuration and issued since.
pub(crate) fn configured_keys(accounts: &[Account]) -> HashMap<String, KeyEntry> {
    let mut keys = HashMap::new();
    for account in accounts {
        for (id, secret) in &account.root_keys {
            keys.insert(
                id.clone(),
                KeyEntry {
                    secret: secret.clone(),
                    principal: Principal::Root {
                        account: account.id.clone(),
                    },
                    session: None,
                },
            );
        }
        for user in &account.users {
            for (id, secret) in &user.keys {
                keys.insert(
                    id.clone(),
                    KeyEntry {
                        secret: secret.clone(),
                        principal: Principal::User {
                            account: account.id.clone(),
                            name: user.name.clone(),
                        },
                        session: None,
                    },
                );
            }
        }
    }
    keys
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// `N` bytes from the operating system's CSPRNG: every secret the emulator
/// hands out (secret keys, session tokens, the random part of key ids, its
/// JWT signing key) comes from here, never from a fast non-cryptographic
/// generator. The OS generator failing is not something to carry on after.
#[allow(clippy::expect_used)]
pub(crate) fn secure_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).expect("the operating system's random generator failed");
    bytes
}

/// `len` characters of `alphabet` (64 characters), uniformly, from the CSPRNG.
fn secure_string(alphabet: &[u8; 64], len: usize) -> String {
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for b in secure_bytes::<32>() {
            if out.len() == len {
                break;
            }
            out.push(alphabet[usize::from(b & 63)] as char);
        }
    }
    out
}

const SECRET_CHARS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// A new temporary access key id (`ASIA` + 16 characters) that encodes the
/// account id the way AWS key ids do, so GetAccessKeyInfo can read it back.
pub(crate) fn new_access_key_id(prefix: &str, account: &str) -> String {
    let account: u64 = account.parse().unwrap_or(0);
    // 48 bits: a random top bit, the account in bits 7..47, 7 random low bits.
    let random = secure_bytes::<5>();
    let z = (u64::from(random[0] & 1) << 47)
        | ((account & 0xFF_FFFF_FFFF) << 7)
        | u64::from(random[1] & 127);
    let mut bytes = [0u8; 10];
    bytes[..6].copy_from_slice(&z.to_be_bytes()[2..]);
    bytes[6..].copy_from_slice(&random[1..]);
    let mut id = String::from(prefix);
    // 80 bits -> 16 base32 characters.
    let mut acc: u128 = 0;
    for b in bytes {
        acc = (acc << 8) | u128::from(b);
    }
    for i in (0..16).rev() {
        id.push(BASE32[((acc >> (i * 5)) & 31) as usize] as char);
    }
    id
}

/// The account id an access key id encodes (AWS's scheme), if it decodes.
pub(crate) fn account_of_key_id(key_id: &str) -> Option<String> {
    let rest = key_id.get(4..)?;
    if rest.len() < 10 {
        return None;
    }
    let mut acc: u64 = 0;
    for c in rest.bytes().take(10) {
        let v = BASE32.iter().position(|&b| b == c)? as u64;
        acc = (acc << 5) | v;
    }
    // 50 bits decoded; the first 48 are the 6 bytes AWS reads.
    let z = acc >> 2;
    let account = (z & 0x7FFF_FFFF_FF80) >> 7;
    Some(format!("{account:012}"))
}

/// A random secret access key (40 characters).
pub(crate) fn new_secret() -> String {
    secure_string(SECRET_CHARS, 40)
}

/// A random session token of `len` characters (at least 64).
pub(crate) fn new_session_token(len: usize) -> String {
    const PREFIX: &str = "IQoJb3JpZ2luX2VjE";
    let mut token = String::from(PREFIX);
    token.push_str(&secure_string(SECRET_CHARS, len.max(64) - PREFIX.len()));
    token
}

/// A request id in the UUID form STS uses.
pub(crate) fn new_request_id() -> String {
    let a = fastrand::u128(..);
    let h = format!("{a:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_key_ids_encode_their_account() {
        for account in ["123456789012", "000000000001", "999999999999"] {
            let id = new_access_key_id("ASIA", account);
            assert_eq!(id.len(), 20);
            assert_eq!(account_of_key_id(&id).as_deref(), Some(account), "{id}");
        }
        // A published example from AWS's own documentation of the scheme.
        assert_eq!(
            account_of_key_id("ASIAY34FZKBOKMUTVV7A").as_deref(),
            Some("609629065308")
        );
        assert_eq!(account_of_key_id("AKIA0000000000000000"), None);
    }
}
