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
/// stable sort). The one sort in the core: the comparator is a trait object, so every
/// caller shares it. A bottom-up merge sort, hand-written because the standard sort
/// compiles to one function too big for a JVM method in the ES5 build.
pub fn order_by(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    // Sorted already (the common case for queues and job lists): one pass, no buffer.
    if order
        .windows(2)
        .all(|w| cmp(w[0], w[1]) != Ordering::Greater)
    {
        return order;
    }
    let mut spare = vec![0usize; n];
    let mut width = 1;
    while width < n {
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            merge(&order[lo..mid], &order[mid..hi], &mut spare[lo..hi], cmp);
            lo = hi;
        }
        std::mem::swap(&mut order, &mut spare);
        width *= 2;
    }
    order
}

/// Merges two ordered runs into `out` (their total length); on a tie the left run's
/// element goes first, which keeps the sort stable.
fn merge(
    left: &[usize],
    right: &[usize],
    out: &mut [usize],
    cmp: &dyn Fn(usize, usize) -> Ordering,
) {
    let (mut i, mut j) = (0, 0);
    for slot in out.iter_mut() {
        let from_left =
            j == right.len() || (i < left.len() && cmp(left[i], right[j]) != Ordering::Greater);
        if from_left {
            *slot = left[i];
            i += 1;
        } else {
            *slot = right[j];
            j += 1;
        }
    }
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

    #[test]
    fn order_by_agrees_with_the_standard_stable_sort() {
        // Seeded xorshift: many lengths (around every power of two), few distinct keys
        // (so ties, and their order, are tested), sorted and reversed inputs.
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for n in (0..70).chain([127, 128, 129, 255, 256, 257, 1000, 4097]) {
            for spread in [1u64, 3, 50, u64::MAX] {
                let mut keys: Vec<u64> = (0..n).map(|_| next() % spread.max(1)).collect();
                for shape in 0..3 {
                    if shape == 1 {
                        keys.sort_unstable();
                    }
                    if shape == 2 {
                        keys.reverse();
                    }
                    let mut want: Vec<usize> = (0..keys.len()).collect();
                    want.sort_by_key(|&i| keys[i]);
                    assert_eq!(
                        order_by_u64(&keys),
                        want,
                        "n {n}, spread {spread}, shape {shape}"
                    );
                }
            }
        }
    }
}
