//! A three-way merge at property level: BASE, OURS (the copy kept) and THEIRS (a colleague's).
//!
//! A change made on one side only is taken; the same change on both sides is taken once; a
//! property (or member) changed differently on the two sides, a geometry changed differently,
//! or a feature deleted on one side and changed on the other is a [`Conflict`]. THEIRS'
//! changes that merge without conflict are listed feature by feature ([`Incoming`]), so the
//! window can leave some out. The result is an edit of OURS: features OURS has keep their
//! order (and, untouched, their exact text), THEIRS' additions come after them.

use serde_json::{Map, Value};

use super::compare::{self, geometry_part, properties};
use super::diff::geometry_edits;
use super::key::{Key, MatchError, Pairing, Version};
use crate::edit::Edit;
use crate::model::{Feature, FeatureRef, Layer, LayerId};

/// One side of a merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Ours,
    Theirs,
}

/// What a conflict is about.
#[derive(Debug, Clone, PartialEq)]
pub enum What {
    /// A property changed differently on the two sides.
    Property(String),
    /// The geometry (with the feature's `bbox`) changed differently.
    Geometry,
    /// A top-level member other than geometry and properties (`id`, a foreign member)
    /// changed differently.
    Member(String),
    /// `deleted_by` deleted the feature, the other side changed it.
    Delete { deleted_by: Side },
}

/// One change the two sides disagree on.
#[derive(Debug, Clone)]
pub struct Conflict {
    /// The feature's key value.
    pub key: Value,
    /// Its label (OURS' version, else THEIRS').
    pub label: String,
    pub what: What,
    /// The value in each version (`None`: absent): the property's or member's value, the
    /// geometry, or for a deletion the whole feature object.
    pub base: Option<Value>,
    pub ours: Option<Value>,
    pub theirs: Option<Value>,
    /// What taking THEIRS' side does.
    theirs_side: Resolution,
}

#[derive(Debug, Clone)]
enum Resolution {
    /// Set (or remove) a property of OURS' feature.
    Property(String, Option<Value>),
    /// Set (or remove) a member of OURS' feature.
    Member(String, Option<Value>),
    /// Give OURS' feature THEIRS' geometry (THEIRS' version of the feature).
    Geometry(Box<Feature>),
    /// Delete OURS' feature.
    Delete,
    /// Put THEIRS' version (OURS deleted it) back, THEIRS' index.
    Insert(usize, Box<Feature>),
}

/// One feature's change from THEIRS that merges without conflict: taken by default, and the
/// window lets the user leave it out ([`Merge::edit`]'s `take`).
#[derive(Debug, Clone)]
pub struct Incoming {
    /// The feature's key value (`null`: matched by content).
    pub key: Value,
    /// Its label (OURS' version, else THEIRS').
    pub label: String,
    pub kind: IncomingKind,
    /// How many changes it counts for: each property, geometry or member changed, or 1 for
    /// a feature added or deleted.
    pub count: usize,
    action: Action,
}

/// What an [`Incoming`] change does to OURS.
#[derive(Debug, Clone, PartialEq)]
pub enum IncomingKind {
    /// THEIRS added the feature.
    Added,
    /// THEIRS deleted it (OURS left it as it was).
    Removed,
    /// THEIRS changed these parts of it (OURS left them as they were).
    Changed(Vec<Part>),
}

#[derive(Debug, Clone)]
enum Action {
    /// Edits of OURS' feature, on the placeholder layer.
    Edits(Vec<Edit>),
    /// Delete OURS' feature at this index.
    Delete(usize),
    /// Add THEIRS' feature (THEIRS' index, for the order).
    Insert(usize, Box<Feature>),
}

/// A merge worked out, not applied: [`Merge::edit`] turns it into one edit of OURS.
#[derive(Debug, Clone)]
pub struct Merge {
    /// THEIRS' changes that merge without conflict, in BASE's order, then THEIRS' additions.
    incoming: Vec<Incoming>,
    /// Each conflict with OURS' index of its feature (`None`: OURS deleted it).
    conflicts: Vec<(Option<usize>, Conflict)>,
    ours_len: usize,
    taken_from_ours: usize,
}

/// Merge `theirs` into `ours`, both edited from `base`, matching features by `key`.
pub fn merge(base: &Layer, ours: &Layer, theirs: &Layer, key: &Key) -> Result<Merge, MatchError> {
    let base_v = Version::new(base, key)?;
    let ours_v = Version::new(ours, key)?;
    let theirs_v = Version::new(theirs, key)?;
    let base_ours = Pairing::new(&base_v, &ours_v);
    let base_theirs = Pairing::new(&base_v, &theirs_v);
    let ours_theirs = Pairing::new(&ours_v, &theirs_v);
    let mut m = Merge {
        incoming: Vec::new(),
        conflicts: Vec::new(),
        ours_len: ours.features.len(),
        taken_from_ours: 0,
    };
    for (b, base_feature) in base.features.iter().enumerate() {
        let key = || base_v.keys[b].clone().unwrap_or(Value::Null);
        match (base_ours.old_to_new[b], base_theirs.old_to_new[b]) {
            (Some(o), Some(t)) => {
                let ours_feature = &ours.features[o];
                let theirs_feature = &theirs.features[t];
                let ours_same = compare::same(base_feature, ours_feature);
                let theirs_same = compare::same(base_feature, theirs_feature);
                match (ours_same, theirs_same) {
                    (true, true) => {}
                    (false, true) => m.taken_from_ours += changes(base_feature, ours_feature),
                    (true, false) => m.incoming.push(whole_change(
                        key(),
                        ours_feature.label_unkept(o),
                        ours_feature,
                        theirs_feature,
                        o,
                    )),
                    (false, false) => m.features(Some(base_feature), ours, theirs, o, t, key()),
                }
            }
            (Some(o), None) => m.deleted_by_theirs(key, base_feature, &ours.features[o], o),
            (None, Some(t)) => m.deleted_by_ours(key, base_feature, &theirs.features[t], t),
            // Deleted on both sides: the same change, taken once.
            (None, None) => m.taken_from_ours += 1,
        }
    }
    for (o, ours_feature) in ours.features.iter().enumerate() {
        if base_ours.new_to_old[o].is_some() {
            continue;
        }
        m.taken_from_ours += 1;
        // Added on both sides: merged as two changes of nothing.
        if let Some(t) = ours_theirs.old_to_new[o]
            && base_theirs.new_to_old[t].is_none()
            && !compare::same(ours_feature, &theirs.features[t])
        {
            let key = ours_v.keys[o].clone().unwrap_or(Value::Null);
            m.features(None, ours, theirs, o, t, key);
        }
    }
    for (t, theirs_feature) in theirs.features.iter().enumerate() {
        let added_by_ours =
            ours_theirs.new_to_old[t].is_some_and(|o| base_ours.new_to_old[o].is_none());
        if base_theirs.new_to_old[t].is_none() && !added_by_ours {
            m.incoming.push(Incoming {
                key: theirs_v.keys[t].clone().unwrap_or(Value::Null),
                label: theirs_feature.label_unkept(t),
                kind: IncomingKind::Added,
                count: 1,
                action: Action::Insert(t, Box::new(theirs_feature.clone())),
            });
        }
    }
    Ok(m)
}

impl Merge {
    /// A base feature THEIRS deleted: removed too when OURS left it as it was, else a conflict.
    fn deleted_by_theirs(
        &mut self,
        key: impl Fn() -> Value,
        base_feature: &Feature,
        ours_feature: &Feature,
        o: usize,
    ) {
        if compare::same(base_feature, ours_feature) {
            self.incoming.push(Incoming {
                key: key(),
                label: ours_feature.label_unkept(o),
                kind: IncomingKind::Removed,
                count: 1,
                action: Action::Delete(o),
            });
        } else {
            self.conflicts.push((
                Some(o),
                Conflict {
                    key: key(),
                    label: ours_feature.label_unkept(o),
                    what: What::Delete {
                        deleted_by: Side::Theirs,
                    },
                    base: Some(object(base_feature)),
                    ours: Some(object(ours_feature)),
                    theirs: None,
                    theirs_side: Resolution::Delete,
                },
            ));
        }
    }

    /// A base feature OURS deleted: the deletion kept when THEIRS left it as it was, else a
    /// conflict.
    fn deleted_by_ours(
        &mut self,
        key: impl Fn() -> Value,
        base_feature: &Feature,
        theirs_feature: &Feature,
        t: usize,
    ) {
        if compare::same(base_feature, theirs_feature) {
            self.taken_from_ours += 1;
        } else {
            self.conflicts.push((
                None,
                Conflict {
                    key: key(),
                    label: theirs_feature.label_unkept(t),
                    what: What::Delete {
                        deleted_by: Side::Ours,
                    },
                    base: Some(object(base_feature)),
                    ours: None,
                    theirs: Some(object(theirs_feature)),
                    theirs_side: Resolution::Insert(t, Box::new(theirs_feature.clone())),
                },
            ));
        }
    }
}

/// Each part of a feature (its properties, OURS' keys in order, then THEIRS' new ones, then
/// BASE's others; its geometry; its other plain members) with the side to take and the
/// three values.
fn three_sides(
    b: &Map<String, Value>,
    a: &Map<String, Value>,
    c: &Map<String, Value>,
) -> Vec<(Part, Pick, [Option<Value>; 3])> {
    let empty = Map::new();
    let mut out = Vec::new();
    // Properties: OURS' keys in order, then THEIRS' new ones, then BASE's others.
    let (pb, po, pt) = (
        properties(b).unwrap_or(&empty),
        properties(a).unwrap_or(&empty),
        properties(c).unwrap_or(&empty),
    );
    let mut names: Vec<&String> = po.keys().collect();
    names.extend(pt.keys().filter(|k| !po.contains_key(*k)));
    names.extend(
        pb.keys()
            .filter(|k| !po.contains_key(*k) && !pt.contains_key(*k)),
    );
    for name in names {
        let (vb, vo, vt) = (pb.get(name), po.get(name), pt.get(name));
        out.push((
            Part::Property(name.clone()),
            pick(&vb, &vo, &vt),
            vb,
            vo,
            vt,
        ));
    }
    let (gb, go, gt) = (geometry_part(b), geometry_part(a), geometry_part(c));
    out.push((Part::Geometry, pick(&gb, &go, &gt), gb.0, go.0, gt.0));
    let mut members: Vec<&String> = a.keys().collect();
    members.extend(c.keys().filter(|k| !a.contains_key(*k)));
    members.extend(
        b.keys()
            .filter(|k| !a.contains_key(*k) && !c.contains_key(*k)),
    );
    for name in members {
        if !compare::is_plain_member(name) {
            continue;
        }
        let (vb, vo, vt) = (b.get(name), a.get(name), c.get(name));
        out.push((Part::Member(name.clone()), pick(&vb, &vo, &vt), vb, vo, vt));
    }
    out.into_iter()
        .map(|(part, p, vb, vo, vt)| (part, p, [vb.cloned(), vo.cloned(), vt.cloned()]))
        .collect()
}

/// A feature's object as a JSON value.
fn object(feature: &Feature) -> Value {
    feature.with_object(|o| Value::Object(o.clone()))
}

/// How many parts (properties, the geometry, members) differ between two versions.
fn changes(a: &Feature, b: &Feature) -> usize {
    a.with_object(|a| {
        b.with_object(|b| {
            compare::property_changes(a, b).len()
                + usize::from(geometry_part(a) != geometry_part(b))
                + compare::member_changes(a, b).len()
        })
    })
}

/// THEIRS' change of a feature OURS left as it was in BASE: every part that differs between
/// OURS' feature `o` and THEIRS'.
fn whole_change(key: Value, label: String, ours: &Feature, theirs: &Feature, o: usize) -> Incoming {
    let target = FeatureRef {
        layer: PLACEHOLDER,
        index: o,
    };
    let mut parts = Vec::new();
    let mut edits = Vec::new();
    ours.with_object(|a| {
        theirs.with_object(|b| {
            for p in compare::property_changes(a, b) {
                parts.push(Part::Property(p.name.clone()));
                edits.push(property_edit(target, p.name, p.new));
            }
            if geometry_part(a) != geometry_part(b) {
                parts.push(Part::Geometry);
                edits.extend(geometry_edits(theirs, target));
            }
            for m in compare::member_changes(a, b) {
                parts.push(Part::Member(m.name.clone()));
                edits.push(Edit::SetTopLevel {
                    target,
                    key: m.name,
                    value: m.new,
                });
            }
        })
    });
    Incoming {
        key,
        label,
        count: parts.len(),
        kind: IncomingKind::Changed(parts),
        action: Action::Edits(edits),
    }
}

/// Steps are worked out before the layer's id is known; [`Merge::edit`] puts it in.
const PLACEHOLDER: LayerId = LayerId(u64::MAX);

fn property_edit(target: FeatureRef, key: String, value: Option<Value>) -> Edit {
    match value {
        Some(value) => Edit::SetProperty { target, key, value },
        None => Edit::RemoveProperty { target, key },
    }
}

/// The outcome of one value on three sides.
enum Pick {
    /// Unchanged, or changed the same way on both sides.
    Same {
        changed: bool,
    },
    Ours,
    Theirs,
    Conflict,
}

fn pick<T: PartialEq>(base: &T, ours: &T, theirs: &T) -> Pick {
    if ours == theirs {
        Pick::Same {
            changed: ours != base,
        }
    } else if ours == base {
        Pick::Theirs
    } else if theirs == base {
        Pick::Ours
    } else {
        Pick::Conflict
    }
}

impl Merge {
    /// Merge one feature changed on both sides (`base` `None`: added on both).
    fn features(
        &mut self,
        base: Option<&Feature>,
        ours: &Layer,
        theirs: &Layer,
        o: usize,
        t: usize,
        key: Value,
    ) {
        let empty = Map::new();
        let (ours_feature, theirs_feature) = (&ours.features[o], &theirs.features[t]);
        let label = ours_feature.label_unkept(o);
        let target = FeatureRef {
            layer: PLACEHOLDER,
            index: o,
        };
        let mut conflicts = Vec::new();
        let mut steps = Vec::new();
        let mut parts = Vec::new();
        let outcomes = match base {
            Some(b) => b.with_object(|b| {
                ours_feature.with_object(|a| theirs_feature.with_object(|c| three_sides(b, a, c)))
            }),
            None => ours_feature
                .with_object(|a| theirs_feature.with_object(|c| three_sides(&empty, a, c))),
        };
        for (part, p, [vb, vo, vt]) in outcomes {
            if let Pick::Same { changed: true } | Pick::Ours = p {
                self.taken_from_ours += 1;
            }
            if let Pick::Theirs = p {
                parts.push(part.clone());
            }
            match p {
                Pick::Theirs => match part {
                    Part::Property(name) => steps.push(property_edit(target, name, vt)),
                    Part::Geometry => steps.extend(geometry_edits(theirs_feature, target)),
                    Part::Member(name) => steps.push(Edit::SetTopLevel {
                        target,
                        key: name,
                        value: vt,
                    }),
                },
                Pick::Conflict => {
                    let (what, theirs_side) = match part {
                        Part::Property(name) => (
                            What::Property(name.clone()),
                            Resolution::Property(name, vt.clone()),
                        ),
                        Part::Geometry => (
                            What::Geometry,
                            Resolution::Geometry(Box::new(theirs_feature.clone())),
                        ),
                        Part::Member(name) => (
                            What::Member(name.clone()),
                            Resolution::Member(name, vt.clone()),
                        ),
                    };
                    conflicts.push((
                        Some(o),
                        Conflict {
                            key: key.clone(),
                            label: label.clone(),
                            what,
                            base: vb,
                            ours: vo,
                            theirs: vt,
                            theirs_side,
                        },
                    ));
                }
                Pick::Same { .. } | Pick::Ours => {}
            }
        }
        if !parts.is_empty() {
            self.incoming.push(Incoming {
                key,
                label,
                count: parts.len(),
                kind: IncomingKind::Changed(parts),
                action: Action::Edits(steps),
            });
        }
        self.conflicts.extend(conflicts);
    }

    /// Every conflict, in BASE's order (then features added on both sides).
    pub fn conflicts(&self) -> impl ExactSizeIterator<Item = &Conflict> {
        self.conflicts.iter().map(|(_, c)| c)
    }

    /// THEIRS' changes that merge without conflict, in BASE's order, then THEIRS' additions.
    pub fn incoming(&self) -> &[Incoming] {
        &self.incoming
    }

    /// How many changes of each side the result holds, taking the incoming changes `take`
    /// says yes to (by their place in [`Merge::incoming`]) and resolving conflicts by
    /// `resolved` (by their place in [`Merge::conflicts`]; `None`: not resolved, not counted):
    /// `(from OURS, from THEIRS)`. A change is a feature added or deleted, or one property,
    /// geometry or member changed; one made the same way on both sides counts once, for OURS.
    pub fn taken(
        &self,
        take: impl Fn(usize) -> bool,
        resolved: impl Fn(usize) -> Option<Side>,
    ) -> (usize, usize) {
        let count = |side| {
            (0..self.conflicts.len())
                .filter(|&i| resolved(i) == Some(side))
                .count()
        };
        let incoming: usize = (self.incoming.iter().enumerate())
            .filter(|&(i, _)| take(i))
            .map(|(_, c)| c.count)
            .sum();
        (
            self.taken_from_ours + count(Side::Ours),
            incoming + count(Side::Theirs),
        )
    }

    /// The edit that turns OURS (the open layer `layer`, as it was when merged) into the
    /// merge: the incoming changes `take` says yes to, each conflict resolved by `choose`
    /// (OURS' side: OURS' version stays), both by place as in [`Merge::taken`]. One step.
    pub fn edit(
        &self,
        layer: LayerId,
        take: impl Fn(usize) -> bool,
        choose: impl Fn(usize) -> Side,
    ) -> Edit {
        let mut edits: Vec<Edit> = Vec::new();
        let mut deletes = Vec::new();
        let mut inserts: Vec<(usize, &Feature)> = Vec::new();
        for (i, change) in self.incoming.iter().enumerate() {
            if !take(i) {
                continue;
            }
            match &change.action {
                Action::Edits(steps) => edits.extend(steps.iter().map(|e| on_layer(e, layer))),
                Action::Delete(o) => deletes.push(*o),
                Action::Insert(t, feature) => inserts.push((*t, feature)),
            }
        }
        for (i, (o, conflict)) in self.conflicts.iter().enumerate() {
            if choose(i) == Side::Ours {
                continue;
            }
            let target = o.map(|index| FeatureRef { layer, index });
            match (&conflict.theirs_side, target) {
                (Resolution::Insert(t, feature), _) => inserts.push((*t, feature)),
                (_, None) => {}
                (Resolution::Delete, Some(target)) => deletes.push(target.index),
                (Resolution::Property(name, value), Some(target)) => {
                    edits.push(property_edit(target, name.clone(), value.clone()));
                }
                (Resolution::Member(name, value), Some(target)) => edits.push(Edit::SetTopLevel {
                    target,
                    key: name.clone(),
                    value: value.clone(),
                }),
                (Resolution::Geometry(theirs), Some(target)) => {
                    edits.extend(geometry_edits(theirs, target));
                }
            }
        }
        deletes.sort_unstable();
        deletes.dedup();
        inserts.sort_unstable_by_key(|(t, _)| *t);
        let start = self.ours_len - deletes.len();
        if !deletes.is_empty() {
            edits.push(Edit::DeleteFeatures {
                layer,
                indices: deletes,
            });
        }
        if !inserts.is_empty() {
            let features = inserts
                .into_iter()
                .enumerate()
                .map(|(k, (_, f))| (start + k, (*f).clone()))
                .collect();
            edits.push(Edit::InsertFeatures { layer, features });
        }
        Edit::Batch(edits)
    }
}

/// A part of a feature the merge decides on.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Property(String),
    Geometry,
    Member(String),
}

/// An edit worked out on the placeholder layer, on `layer`.
fn on_layer(edit: &Edit, layer: LayerId) -> Edit {
    let mut edit = edit.clone();
    match &mut edit {
        Edit::SetProperty { target, .. }
        | Edit::RemoveProperty { target, .. }
        | Edit::SetTopLevel { target, .. }
        | Edit::SetGeometryExact { target, .. } => target.layer = layer,
        _ => {}
    }
    edit
}

impl Conflict {
    /// `"property"`, `"geometry"`, `"member"` or `"delete"`.
    pub fn kind(&self) -> &'static str {
        match self.what {
            What::Property(_) => "property",
            What::Geometry => "geometry",
            What::Member(_) => "member",
            What::Delete { .. } => "delete",
        }
    }
}
