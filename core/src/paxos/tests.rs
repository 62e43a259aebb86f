//! Paxos handler rules, by calling the pure handler directly.
