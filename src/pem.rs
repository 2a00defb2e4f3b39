//! PEM armour (RFC 7468), accepted wherever DER is.

/// The DER blocks of every PEM section with one of `labels`, or `None` when `data` is not PEM.
/// A PEM file whose sections all carry other labels gives `Some(vec![])`.
pub fn decode_all(data: &[u8], labels: &[&str]) -> Option<Vec<Vec<u8>>> {
    if !looks_like_pem(data) {
        return None;
    }
    let blocks = pem::parse_many(data).ok()?;
    Some(blocks.into_iter().filter(|b| labels.contains(&b.tag())).map(|b| b.into_contents()).collect())
}

/// Whether the data starts (after whitespace) with or contains a PEM boundary line.
pub fn looks_like_pem(data: &[u8]) -> bool {
    let head = &data[..data.len().min(64 * 1024)];
    head.windows(11).any(|w| w == b"-----BEGIN ")
}
