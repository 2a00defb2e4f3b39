//! RFC 5280 6.1 on a candidate path: the state machine over certificates 1..n (the anchor
//! excluded) for certificate policies and name constraints. The path search
//! ([`super::path`]) has already checked, per certificate, what depends only on the issuer
//! (signature, name chaining, validity, cA, keyCertSign, path length, critical extensions); a
//! complete candidate comes here before it is accepted.

use std::sync::Arc;

use super::policy_tree::{MAX_POLICY_NODES, PolicyTree};
use super::{Certificate, PathError, name_constraints};
use crate::asn1::{Oid, oid};

/// The policy inputs of RFC 5280 6.1.1 (c), (e), (f), (g).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyInputs {
    /// user-initial-policy-set; empty means any-policy.
    pub user_initial_policy_set: Vec<Oid>,
    /// initial-explicit-policy
    pub initial_explicit_policy: bool,
    /// initial-policy-mapping-inhibit
    pub initial_policy_mapping_inhibit: bool,
    /// initial-any-policy-inhibit
    pub initial_any_policy_inhibit: bool,
}

/// The state variables of RFC 5280 6.1.2 that this module carries.
struct State {
    tree: PolicyTree,
    explicit_policy: usize,
    inhibit_any_policy: usize,
    policy_mapping: usize,
}

/// Runs 6.1.3 (b)-(f), 6.1.4 (a), (b), (g)-(j) and 6.1.5 (a), (b), (g) over `path` (end entity
/// first, anchor last) and returns the user-constrained policy set.
pub fn process_path(path: &[Arc<Certificate>], inputs: &PolicyInputs) -> Result<Vec<Oid>, PathError> {
    let n = path.len().saturating_sub(1);
    // Certificate i (1-based from the anchor's side) is path[n - i].
    let cert = |i: usize| &path[n - i];
    let start = |inhibit: bool| if inhibit { 0 } else { n + 1 };
    let mut st = State {
        tree: PolicyTree::new(),
        explicit_policy: start(inputs.initial_explicit_policy),
        inhibit_any_policy: start(inputs.initial_any_policy_inhibit),
        policy_mapping: start(inputs.initial_policy_mapping_inhibit),
    };
    for i in 1..=n {
        let c = cert(i);
        let last = i == n;
        check_name_constraints(path, n, i)?;
        process_policies(&mut st, c, i, last)?;
        if !last {
            prepare_next(&mut st, c, i)?;
        }
    }
    wrap_up(&mut st, path, n, inputs)
}

/// RFC 5280 6.1.3 (b), (c): unless certificate i is self-issued and not the last, its names
/// must satisfy the nameConstraints of every CA above it in the path (6.1.4 (g) accumulates
/// them; checking each CA's constraints in turn is the same as their intersection / union).
fn check_name_constraints(path: &[Arc<Certificate>], n: usize, i: usize) -> Result<(), PathError> {
    let c = &path[n - i];
    if c.is_self_issued() && i != n {
        return Ok(());
    }
    let names = name_constraints::constrained_names(c);
    // Certificate 0 is the trust anchor: its own name constraints bind the path as well.
    for above in 0..i {
        let ca = &path[n - above];
        if let Some(nc) = ca.name_constraints() {
            nc.check(&names).map_err(|why| {
                PathError::Constraint(format!("name constraints of {}: {} ({why})", ca.subject(), c.subject()))
            })?;
        }
    }
    Ok(())
}

/// RFC 5280 6.1.3 (d)-(f).
fn process_policies(st: &mut State, c: &Certificate, i: usize, last: bool) -> Result<(), PathError> {
    match c.policies() {
        // (d)
        Some(policies) if !st.tree.is_null() => {
            let any_allowed = st.inhibit_any_policy > 0 || (!last && c.is_self_issued());
            st.tree.process_certificate(i, policies, any_allowed).map_err(|_| too_large())?;
        }
        Some(_) => {}
        // (e)
        None => st.tree.clear(),
    }
    // (f)
    if st.explicit_policy == 0 && st.tree.is_null() {
        return Err(PathError::Constraint(format!(
            "no valid certificate policy at {} while an explicit policy is required",
            c.subject()
        )));
    }
    Ok(())
}

/// RFC 5280 6.1.4 (a), (b), (h)-(j).
fn prepare_next(st: &mut State, c: &Certificate, i: usize) -> Result<(), PathError> {
    let mappings = c.policy_mappings();
    // (a)
    if mappings.iter().any(|(a, b)| *a == oid::ANY_POLICY || *b == oid::ANY_POLICY) {
        return Err(PathError::Constraint(format!("{} maps anyPolicy in policyMappings", c.subject())));
    }
    // (b)
    if !mappings.is_empty() && !st.tree.is_null() {
        let any_policy_asserted = c.policies().is_some_and(|p| p.contains(&oid::ANY_POLICY));
        st.tree.apply_mappings(i, mappings, st.policy_mapping > 0, any_policy_asserted).map_err(|_| too_large())?;
    }
    // (h)
    if !c.is_self_issued() {
        for v in [&mut st.explicit_policy, &mut st.policy_mapping, &mut st.inhibit_any_policy] {
            *v = v.saturating_sub(1);
        }
    }
    // (i)
    if let Some(pc) = c.policy_constraints() {
        if let Some(r) = pc.require_explicit_policy {
            st.explicit_policy = st.explicit_policy.min(r as usize);
        }
        if let Some(m) = pc.inhibit_policy_mapping {
            st.policy_mapping = st.policy_mapping.min(m as usize);
        }
    }
    // (j)
    if let Some(skip) = c.inhibit_any_policy() {
        st.inhibit_any_policy = st.inhibit_any_policy.min(skip as usize);
    }
    Ok(())
}

/// RFC 5280 6.1.5 (a), (b), (g) and the final policy check.
fn wrap_up(st: &mut State, path: &[Arc<Certificate>], n: usize, inputs: &PolicyInputs) -> Result<Vec<Oid>, PathError> {
    if n == 0 {
        return Ok(vec![oid::ANY_POLICY]);
    }
    let leaf = &path[0];
    // (a)
    st.explicit_policy = st.explicit_policy.saturating_sub(1);
    // (b)
    if leaf.policy_constraints().and_then(|p| p.require_explicit_policy) == Some(0) {
        st.explicit_policy = 0;
    }
    // (g)
    let user = (!inputs.user_initial_policy_set.is_empty()
        && !inputs.user_initial_policy_set.contains(&oid::ANY_POLICY))
    .then_some(inputs.user_initial_policy_set.as_slice());
    let policies = st.tree.intersect(n, user).map_err(|_| too_large())?;
    if st.explicit_policy == 0 && policies.is_empty() {
        return Err(PathError::Constraint(
            "no certificate policy is valid for the path and the acceptable policies while an explicit policy is \
             required"
                .into(),
        ));
    }
    Ok(policies)
}

fn too_large() -> PathError {
    PathError::Constraint(format!("the valid policy tree would exceed {MAX_POLICY_NODES} nodes"))
}
