//! CRL parsing, entry lookup and issuer checks must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(crl) = confia::revocation::Crl::from_der(data) {
        let _ = crl.entry(crl.issuer(), &[1]);
        let _ = crl.scope();
        let _ = crl.len();
    }
    let _ = confia::revocation::Crl::from_pem_or_der(data);
});
