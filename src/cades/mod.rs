//! CAdES (ETSI EN 319 122-1): format levels, the signing-certificate binding, and B-B signing.

mod format;
mod sign;

pub use format::{CadesFormat, CadesLevel, detect_format};
pub use sign::{CounterSignError, SignError, SignOptions, counter_sign, sign};
