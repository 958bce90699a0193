//! Sorting and looking up through a few shared, non-generic functions.
//!
//! Why not `sort_by_key`, `BTreeSet` and friends at each call site: every element type
//! and every closure instantiates the standard library's sort or a B-tree, each tens of
//! KB of wasm, and the ES5 build for ServiceNow grows with the wasm: it is parsed,
//! compiled and loaded by Rhino on every use (and std's sort of small slices inlines a
//! sorting network that alone is over a JVM method's size). Here the sort is
//! instantiated once ([`order_by`]), and callers reorder their own data by the order it
//! returns. The one B-tree left in the core is `BTreeMap<String, usize>` (the queue's
//! key index, and the queue reader's). The sizes this saves are in docs/performance.md.

use std::cmp::Ordering;

/// Maps an `i64` to a `u64` with the same order (for [`order_by_u64`]).
pub fn ordered_i64(x: i64) -> u64 {
    (x as u64) ^ (1 << 63)
}

/// The positions `0..n` in the order `cmp` says; equal ones keep their input order (a
/// stable sort). The one instantiation of the standard sort in the core: the comparator
/// is a trait object, so every caller shares it.
pub fn order_by(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&a, &b| cmp(a, b).then(a.cmp(&b)));
    order
}

/// The positions of `keys` in ascending key order; equal keys keep their input order.
pub fn order_by_u64(keys: &[u64]) -> Vec<usize> {
    order_by(keys.len(), &|a, b| keys[a].cmp(&keys[b]))
}

/// The positions of `keys` in ascending order of (first, second); ties keep input order.
pub fn order_by_pair(keys: &[(i64, i64)]) -> Vec<usize> {
    order_by(keys.len(), &|a, b| keys[a].cmp(&keys[b]))
}

/// The positions of `keys` in ascending string order; ties keep input order.
pub fn order_by_str(keys: &[&str]) -> Vec<usize> {
    order_by(keys.len(), &|a, b| keys[a].cmp(keys[b]))
}

/// `items` rearranged in `order` (a permutation of their positions, as the functions
/// above return).
pub fn permute<T>(items: Vec<T>, order: &[usize]) -> Vec<T> {
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order.iter().filter_map(|&i| slots[i].take()).collect()
}

/// Sorts strings and drops repeats.
pub fn sort_dedup_strings(items: Vec<String>) -> Vec<String> {
    // Sorted already (one channel, the common case): no index vectors to build.
    if items.windows(2).all(|w| w[0] < w[1]) {
        return items;
    }
    let order = order_by_str(&items.iter().map(String::as_str).collect::<Vec<_>>());
    let mut out = permute(items, &order);
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_are_stable_sorts() {
        let keys = [5u64, 1, 5, 0, u64::MAX, 1];
        assert_eq!(order_by_u64(&keys), vec![3, 1, 5, 0, 2, 4]);
        let signed = [3i64, -1, i64::MIN, i64::MAX, 0];
        let mapped: Vec<u64> = signed.iter().map(|&x| ordered_i64(x)).collect();
        assert_eq!(order_by_u64(&mapped), vec![2, 1, 4, 0, 3]);
        assert_eq!(
            order_by_pair(&[(2, 1), (1, 9), (2, 0), (1, 9)]),
            vec![1, 3, 2, 0]
        );
        assert_eq!(order_by_str(&["b", "a", "b", ""]), vec![3, 1, 0, 2]);
        assert_eq!(
            permute(vec!['x', 'y', 'z'], &[2, 0, 1]),
            vec!['z', 'x', 'y']
        );
        assert_eq!(
            sort_dedup_strings(vec!["sms".into(), "email".into(), "sms".into()]),
            vec!["email".to_string(), "sms".to_string()]
        );
    }
}
