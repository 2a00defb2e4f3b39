//! The valid_policy_tree of RFC 5280 6.1.2 (a), grown by 6.1.3 (d), re-mapped by 6.1.4 (b) and
//! intersected with the user's policy set by 6.1.5 (g).
//!
//! Nodes live in one arena; a deleted node is marked dead. The tree's size is capped by
//! [`MAX_POLICY_NODES`], because policy mappings can make it grow exponentially with the path
//! length (the "policy tree explosion" attack); exceeding the cap rejects the path.

use crate::asn1::{Oid, oid};

/// Most nodes the valid_policy_tree may hold.
pub const MAX_POLICY_NODES: usize = 4096;

#[derive(Debug, Clone)]
struct Node {
    policy: Oid,
    expected: Vec<Oid>,
    parent: Option<usize>,
    depth: usize,
    alive: bool,
}

/// The valid_policy_tree (NULL when no node is alive).
#[derive(Debug, Clone)]
pub struct PolicyTree {
    nodes: Vec<Node>,
}

/// The tree outgrew [`MAX_POLICY_NODES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeTooLarge;

impl PolicyTree {
    /// RFC 5280 6.1.2 (a): a single node of depth 0 with anyPolicy.
    pub fn new() -> Self {
        PolicyTree {
            nodes: vec![Node {
                policy: oid::ANY_POLICY,
                expected: vec![oid::ANY_POLICY],
                parent: None,
                depth: 0,
                alive: true,
            }],
        }
    }

    /// Whether the tree is NULL (no node left).
    pub fn is_null(&self) -> bool {
        !self.nodes.iter().any(|n| n.alive)
    }

    /// Makes the tree NULL (RFC 5280 6.1.3 (e)).
    pub fn clear(&mut self) {
        self.nodes.iter_mut().for_each(|n| n.alive = false);
    }

    fn at_depth(&self, d: usize) -> Vec<usize> {
        (0..self.nodes.len()).filter(|&i| self.nodes[i].alive && self.nodes[i].depth == d).collect()
    }

    fn has_child_with(&self, parent: usize, policy: &Oid) -> bool {
        self.nodes.iter().any(|n| n.alive && n.parent == Some(parent) && n.policy == *policy)
    }

    fn add(&mut self, parent: usize, policy: Oid, expected: Vec<Oid>) -> Result<(), TreeTooLarge> {
        if self.nodes.len() >= MAX_POLICY_NODES {
            return Err(TreeTooLarge);
        }
        let depth = self.nodes[parent].depth + 1;
        self.nodes.push(Node { policy, expected, parent: Some(parent), depth, alive: true });
        Ok(())
    }

    /// RFC 5280 6.1.3 (d) for certificate `i` with the policies it asserts. `any_policy_allowed`
    /// is "inhibit_anyPolicy > 0, or i < n and the certificate is self-issued".
    pub fn process_certificate(
        &mut self,
        i: usize,
        policies: &[Oid],
        any_policy_allowed: bool,
    ) -> Result<(), TreeTooLarge> {
        let parents = self.at_depth(i - 1);
        // (d)(1): each asserted policy joins the nodes expecting it, or else every anyPolicy node.
        for p in policies.iter().filter(|p| **p != oid::ANY_POLICY) {
            let expecting: Vec<usize> =
                parents.iter().copied().filter(|&n| self.nodes[n].expected.contains(p)).collect();
            let targets = if expecting.is_empty() {
                parents.iter().copied().filter(|&n| self.nodes[n].policy == oid::ANY_POLICY).collect()
            } else {
                expecting
            };
            for parent in targets {
                self.add(parent, *p, vec![*p])?;
            }
        }
        // (d)(2): anyPolicy in the certificate extends every expected policy not yet a child.
        if any_policy_allowed && policies.contains(&oid::ANY_POLICY) {
            for parent in parents {
                for e in self.nodes[parent].expected.clone() {
                    if !self.has_child_with(parent, &e) {
                        self.add(parent, e, vec![e])?;
                    }
                }
            }
        }
        // (d)(3): prune childless nodes above depth i.
        self.prune(i);
        Ok(())
    }

    /// RFC 5280 6.1.4 (b) for certificate `i` with its policy mappings (anyPolicy already
    /// refused by the caller).
    pub fn apply_mappings(
        &mut self,
        i: usize,
        mappings: &[(Oid, Oid)],
        mapping_allowed: bool,
        any_policy_qualified: bool,
    ) -> Result<(), TreeTooLarge> {
        let mut issuer_policies: Vec<Oid> = mappings.iter().map(|(p, _)| *p).collect();
        issuer_policies.sort_by_key(|o| o.to_string());
        issuer_policies.dedup();
        for idp in issuer_policies {
            let subjects: Vec<Oid> = mappings.iter().filter(|(p, _)| *p == idp).map(|(_, s)| *s).collect();
            let nodes: Vec<usize> = self.at_depth(i).into_iter().filter(|&n| self.nodes[n].policy == idp).collect();
            if mapping_allowed {
                if !nodes.is_empty() {
                    // (b)(1): the node now expects the subject-domain policies.
                    for n in nodes {
                        self.nodes[n].expected = subjects.clone();
                    }
                } else if any_policy_qualified {
                    // (b)(1): no node for ID-P, but an anyPolicy node at depth i stands in for it.
                    let any_at_i = self.at_depth(i).into_iter().find(|&n| self.nodes[n].policy == oid::ANY_POLICY);
                    if let Some(any) = any_at_i
                        && let Some(parent) = self.nodes[any].parent
                    {
                        self.add(parent, idp, subjects.clone())?;
                    }
                }
            } else {
                // (b)(2): mapping inhibited: the nodes for ID-P go, then the childless above.
                for n in nodes {
                    self.nodes[n].alive = false;
                }
                self.prune(i);
            }
        }
        Ok(())
    }

    /// Deletes, from depth `below - 1` up to the root, every node without a live child.
    fn prune(&mut self, below: usize) {
        for d in (0..below).rev() {
            for n in self.at_depth(d) {
                let has_child = self.nodes.iter().any(|c| c.alive && c.parent == Some(n));
                if !has_child {
                    self.nodes[n].alive = false;
                }
            }
        }
    }

    /// RFC 5280 6.1.5 (g): the intersection with the user-initial-policy-set (`None` is
    /// any-policy) for a path of `n` certificates; returns the user-constrained policy set
    /// (the valid policies at depth n; anyPolicy among them when it survives).
    pub fn intersect(&mut self, n: usize, user: Option<&[Oid]>) -> Result<Vec<Oid>, TreeTooLarge> {
        if self.is_null() {
            return Ok(Vec::new());
        }
        if let Some(user) = user {
            // (g)(iii)(1)-(2): the valid_policy_node_set are the nodes whose parent is anyPolicy.
            let node_set: Vec<usize> = (0..self.nodes.len())
                .filter(|&i| {
                    self.nodes[i].alive && self.nodes[i].parent.is_some_and(|p| self.nodes[p].policy == oid::ANY_POLICY)
                })
                .collect();
            for &i in &node_set {
                let p = self.nodes[i].policy;
                if p != oid::ANY_POLICY && !user.contains(&p) {
                    self.kill_subtree(i);
                }
            }
            // (g)(iii)(3): an anyPolicy leaf stands for every user policy not yet present.
            let any_leaf = self.at_depth(n).into_iter().find(|&i| self.nodes[i].policy == oid::ANY_POLICY);
            if let Some(any) = any_leaf {
                let present: Vec<Oid> =
                    node_set.iter().filter(|&&i| self.nodes[i].alive).map(|&i| self.nodes[i].policy).collect();
                if let Some(parent) = self.nodes[any].parent {
                    for p in user.iter().filter(|p| !present.contains(p)) {
                        self.add(parent, *p, vec![*p])?;
                    }
                }
                self.nodes[any].alive = false;
            }
            // (g)(iii)(4)
            self.prune(n);
        }
        let mut out: Vec<Oid> = self.at_depth(n).into_iter().map(|i| self.nodes[i].policy).collect();
        out.sort_by_key(|o| o.to_string());
        out.dedup();
        Ok(out)
    }

    fn kill_subtree(&mut self, root: usize) {
        self.nodes[root].alive = false;
        let mut changed = true;
        while changed {
            changed = false;
            for i in 0..self.nodes.len() {
                if self.nodes[i].alive && self.nodes[i].parent.is_some_and(|p| !self.nodes[p].alive) {
                    self.nodes[i].alive = false;
                    changed = true;
                }
            }
        }
    }
}

impl Default for PolicyTree {
    fn default() -> Self {
        Self::new()
    }
}
