//! The change set: what one write did to the synced tables of an account, row by row, as
//! the alert rules read it.

use std::any::Any;
use std::collections::{HashMap, HashSet};

use cowdesk_model::Resource;

use super::rows::Synced;

/// One row that was added, changed or removed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Change<T> {
    /// The row before the write; `None` when it is new.
    pub before: Option<T>,
    /// The row after the write; `None` when it went.
    pub after: Option<T>,
}

/// What one write did to one account.
#[derive(Default)]
pub(crate) struct ChangeSet {
    /// Per table name, a `Vec<Change<T>>` of its row type.
    tables: HashMap<&'static str, Box<dyn Any + Send + Sync>>,
    /// The resources the role could read before; `None` when the account had never been
    /// synced (its first sync records what it finds without announcing it).
    pub readable_before: Option<HashSet<Resource>>,
    /// The resources the role can read now.
    pub readable_after: HashSet<Resource>,
    /// Rows an update of existing rows did not find (not cached): (resource, key).
    pub missing: Vec<(Resource, String)>,
    /// Rows that arrived more than once in one list (the list shifted between pages);
    /// the last of each was kept.
    pub duplicates: usize,
}

impl ChangeSet {
    pub(crate) fn record<T: Synced>(&mut self, changes: Vec<Change<T>>) {
        if changes.is_empty() {
            return;
        }
        let entry = self
            .tables
            .entry(T::table().name)
            .or_insert_with(|| Box::new(Vec::<Change<T>>::new()));
        if let Some(list) = entry.downcast_mut::<Vec<Change<T>>>() {
            list.extend(changes);
        }
    }

    /// The changed rows of `T`'s table.
    pub fn of<T: Synced>(&self) -> &[Change<T>] {
        self.tables
            .get(T::table().name)
            .and_then(|list| list.downcast_ref::<Vec<Change<T>>>())
            .map_or(&[], Vec::as_slice)
    }

    /// The account's first sync.
    pub fn first_sync(&self) -> bool {
        self.readable_before.is_none()
    }

    pub fn was_readable(&self, resource: Resource) -> bool {
        self.readable_before
            .as_ref()
            .is_some_and(|r| r.contains(&resource))
    }

    pub fn is_readable(&self, resource: Resource) -> bool {
        self.readable_after.contains(&resource)
    }
}

impl<T: Synced> Change<T> {
    /// The key of the row (as it was, or as it is).
    pub fn key(&self) -> &str {
        self.after
            .as_ref()
            .or(self.before.as_ref())
            .map_or("", Synced::key)
    }
}
