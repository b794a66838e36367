//! [`Memo`]: a value computed from a key and recomputed only when the key changes, so the
//! measure panels redo geodesic work only when their inputs change, not every frame.

/// A value computed from a key, recomputed only when the key changes.
#[derive(Debug)]
pub(crate) struct Memo<K, V> {
    key: Option<K>,
    value: V,
}

impl<K, V: Default> Default for Memo<K, V> {
    fn default() -> Self {
        Self {
            key: None,
            value: V::default(),
        }
    }
}

impl<K: PartialEq, V> Memo<K, V> {
    /// The value for `key`, computing it only if the key differs from the last one.
    pub(crate) fn get(&mut self, key: K, compute: impl FnOnce() -> V) -> &V {
        if self.key.as_ref() != Some(&key) {
            self.value = compute();
            self.key = Some(key);
        }
        &self.value
    }

    /// The last value computed.
    #[cfg(test)]
    fn value(&self) -> &V {
        &self.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_memo_computes_again_only_when_its_key_changes() {
        let mut memo: Memo<u32, u32> = Memo::default();
        let mut calls = 0;
        for key in [1, 1, 2, 2, 1] {
            memo.get(key, || {
                calls += 1;
                key * 10
            });
        }
        assert_eq!(calls, 3);
        assert_eq!(*memo.value(), 10);
    }
}
