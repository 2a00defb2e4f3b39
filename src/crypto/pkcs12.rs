//! PKCS#12 (RFC 7292) key stores, read with the `p12-keystore` crate.

use std::sync::Arc;

use super::{SignerError, SoftwareSigner};
use crate::x509::Certificate;

/// Opens a PKCS#12 file and returns a signer for its private key together with the other
/// certificates it carries (the chain, for embedding).
pub fn signer_from_pkcs12(data: &[u8], password: &str) -> Result<(SoftwareSigner, Vec<Arc<Certificate>>), SignerError> {
    let store = p12_keystore::KeyStore::from_pkcs12(data, password, p12_keystore::Pkcs12ImportPolicy::Relaxed)
        .map_err(|e| SignerError::InvalidKey(format!("PKCS#12: {e}")))?;
    let (_, chain) =
        store.private_key_chain().ok_or_else(|| SignerError::InvalidKey("PKCS#12 file holds no private key".into()))?;
    let certs: Vec<Arc<Certificate>> =
        chain.certs().iter().filter_map(|c| Certificate::from_der(c.as_der()).ok().map(Arc::new)).collect();
    for (i, c) in certs.iter().enumerate() {
        if let Ok(signer) = SoftwareSigner::from_pem_or_der(chain.key().as_der(), c.clone()) {
            let rest = certs.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, c)| c.clone()).collect();
            return Ok((signer, rest));
        }
    }
    Err(SignerError::InvalidKey("no certificate in the PKCS#12 file matches its private key".into()))
}
