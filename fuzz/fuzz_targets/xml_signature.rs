//! XML signature validation (XMLDSig core, XAdES properties, counter-signatures, transforms,
//! XPath Filter 2.0) must never panic, and with nothing trusted nothing may pass.
#![no_main]

use std::sync::Arc;

use confia::trust::TrustAnchors;
use confia::validation::{ValidationConfig, Validator, Verdict};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let validator =
        Validator::new(ValidationConfig::new(time::OffsetDateTime::UNIX_EPOCH, Arc::new(TrustAnchors::new())));
    if let Ok(r) = validator.validate_xml(data, Default::default()) {
        assert!(r.signatures.iter().all(|s| s.verdict != Verdict::Passed));
    }
});
