//! The CMS reader and the whole validation of whatever it reads must never panic.
#![no_main]

use std::sync::Arc;

use confia::trust::TrustAnchors;
use confia::validation::{ValidationConfig, Validator};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = confia::cms::SignedData::from_ber(data);
    let config = ValidationConfig::new(time::OffsetDateTime::UNIX_EPOCH, Arc::new(TrustAnchors::new()));
    let _ = Validator::new(config).validate_cms(data, None);
});
