//! The trusted-list reader (strict and lenient) and list verification must never panic.
#![no_main]

use confia::policy::Policy;
use confia::tl::{ListTime, Mode, parse, verify_list};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for mode in [Mode::Strict, Mode::Lenient] {
        if let Ok(list) = parse::parse(data, mode) {
            let _ = list.services().count();
            let _ = verify_list(data, &[], ListTime::Issued, mode, Policy::default());
        }
    }
});
