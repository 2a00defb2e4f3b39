//! Certificate and CRL parsing must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(c) = confia::x509::Certificate::from_der(data) {
        let _ = c.verify_signed_by(&c);
    }
    let _ = confia::revocation::Crl::from_der(data);
    let _ = confia::x509::Certificate::from_pem_or_der(data);
});
