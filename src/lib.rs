//! confia creates and validates advanced electronic signatures (CAdES now; XAdES, trusted
//! lists and recognition agreements next) following ETSI EN 319 102-1.
//!
//! The data path: [`cms`] reads the signature, [`cades`] knows the format, [`x509`] builds the
//! certification path, [`revocation`] checks CRLs, [`validation`] runs the EN 319 102-1 process,
//! and [`report`] holds the one result model every output renders.
//!
//! ```no_run
//! use std::sync::Arc;
//! use confia::{validation::{ValidationConfig, Validator}, trust::TrustAnchors, x509::Certificate};
//!
//! let anchor = Certificate::from_pem_or_der(&std::fs::read("root.pem")?)?.remove(0);
//! let mut anchors = TrustAnchors::new();
//! anchors.add(Arc::new(anchor));
//! let config = ValidationConfig::new(time::OffsetDateTime::now_utc(), Arc::new(anchors));
//! let report = Validator::new(config).validate_cms(&std::fs::read("signed.p7m")?, None)?;
//! println!("{}", confia::report::render_text(&report));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod asn1;
pub mod cades;
pub mod cms;
pub mod crypto;
pub mod pem;
pub mod policy;
pub mod report;
pub mod revocation;
pub mod tl;
pub mod trust;
pub mod validation;
pub mod x509;
pub mod xades;
pub mod xml;
