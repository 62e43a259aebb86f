//! `hash(key) mod n`, the placement consistent hashing was invented to replace, kept as the
//! baseline every table compares against and as the "bug switch" the join property must catch:
//! going from n to n+1 nodes moves about n/(n+1) of all keys instead of 1/(n+1).

use super::{Members, Placement};
use crate::protocol::NodeId;

#[derive(Clone, Debug)]
pub struct Modulo {
    members: Members,
    nodes: Vec<NodeId>,
}

impl Modulo {
    pub fn new(members: &Members) -> Modulo {
        Modulo { members: members.clone(), nodes: members.ids().collect() }
    }
}

impl Placement for Modulo {
    fn algorithm(&self) -> super::Algorithm {
        super::Algorithm::Modulo
    }

    fn members(&self) -> &Members {
        &self.members
    }

    fn lookup(&self, key: u64) -> Option<NodeId> {
        let n = self.nodes.len() as u64;
        (n > 0).then(|| self.nodes[(key % n) as usize])
    }

    /// Replicas on the next nodes in id order, as naive sharding schemes do.
    fn preference(&self, key: u64, r: usize, out: &mut Vec<NodeId>) {
        out.clear();
        let n = self.nodes.len();
        if n == 0 {
            return;
        }
        let first = (key % n as u64) as usize;
        out.extend((0..r.min(n)).map(|i| self.nodes[(first + i) % n]));
    }

    fn memory_bytes(&self) -> usize {
        self.nodes.capacity() * size_of::<NodeId>()
    }
}
