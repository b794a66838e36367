//! A three-way merge at property level: BASE, OURS (the copy kept) and THEIRS (a colleague's).
//!
//! A change made on one side only is taken; the same change on both sides is taken once; a
//! property (or member) changed differently on the two sides, a geometry changed differently,
//! or a feature deleted on one side and changed on the other is a [`Conflict`]. The result is
//! an edit of OURS: features OURS has keep their order (and, untouched, their exact text),
//! THEIRS' additions come after them.

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

/// A merge worked out, not applied: [`Merge::edit`] turns it into one edit of OURS.
#[derive(Debug, Clone)]
pub struct Merge {
    /// Changes from THEIRS to apply to OURS' features (by OURS' index).
    steps: Vec<Edit>,
    /// OURS' features THEIRS deleted (OURS left them as they were).
    deletes: Vec<usize>,
    /// THEIRS' additions, by THEIRS' index.
    inserts: Vec<(usize, Feature)>,
    /// Each conflict with OURS' index of its feature (`None`: OURS deleted it).
    conflicts: Vec<(Option<usize>, Conflict)>,
    ours_len: usize,
    taken_from_ours: usize,
    taken_from_theirs: usize,
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
        steps: Vec::new(),
        deletes: Vec::new(),
        inserts: Vec::new(),
        conflicts: Vec::new(),
        ours_len: ours.features.len(),
        taken_from_ours: 0,
        taken_from_theirs: 0,
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
                    (true, false) => {
                        m.taken_from_theirs += changes(base_feature, theirs_feature);
                        m.steps.extend(whole_edits(ours_feature, theirs_feature, o));
                    }
                    (false, false) => m.features(Some(base_feature), ours, theirs, o, t, key()),
                }
            }
            (Some(o), None) => {
                let ours_feature = &ours.features[o];
                if compare::same(base_feature, ours_feature) {
                    m.deletes.push(o);
                    m.taken_from_theirs += 1;
                } else {
                    m.conflicts.push((
                        Some(o),
                        Conflict {
                            key: key(),
                            label: ours_feature.label(o),
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
            (None, Some(t)) => {
                let theirs_feature = &theirs.features[t];
                if compare::same(base_feature, theirs_feature) {
                    m.taken_from_ours += 1;
                } else {
                    m.conflicts.push((
                        None,
                        Conflict {
                            key: key(),
                            label: theirs_feature.label(t),
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
            m.inserts.push((t, theirs_feature.clone()));
            m.taken_from_theirs += 1;
        }
    }
    Ok(m)
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

/// The edits that make OURS' feature `o` (unchanged from BASE) THEIRS' version.
fn whole_edits(ours: &Feature, theirs: &Feature, o: usize) -> Vec<Edit> {
    let target = FeatureRef {
        layer: PLACEHOLDER,
        index: o,
    };
    ours.with_object(|a| {
        theirs.with_object(|b| {
            let mut edits: Vec<Edit> = compare::property_changes(a, b)
                .into_iter()
                .map(|p| property_edit(target, p.name, p.new))
                .collect();
            if geometry_part(a) != geometry_part(b) {
                edits.extend(geometry_edits(theirs, target));
            }
            edits.extend(
                compare::member_changes(a, b)
                    .into_iter()
                    .map(|m| Edit::SetTopLevel {
                        target,
                        key: m.name,
                        value: m.new,
                    }),
            );
            edits
        })
    })
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
        let label = ours_feature.label(o);
        let target = FeatureRef {
            layer: PLACEHOLDER,
            index: o,
        };
        let mut conflicts = Vec::new();
        let mut steps = Vec::new();
        let (mut from_ours, mut from_theirs) = (0, 0);
        let mut tally = |p: &Pick| match p {
            Pick::Same { changed: true } | Pick::Ours => from_ours += 1,
            Pick::Theirs => from_theirs += 1,
            _ => {}
        };
        let run = |b: &Map<String, Value>, a: &Map<String, Value>, c: &Map<String, Value>| {
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
                .collect::<Vec<_>>()
        };
        let outcomes = match base {
            Some(b) => b.with_object(|b| {
                ours_feature.with_object(|a| theirs_feature.with_object(|c| run(b, a, c)))
            }),
            None => ours_feature.with_object(|a| theirs_feature.with_object(|c| run(&empty, a, c))),
        };
        for (part, p, [vb, vo, vt]) in outcomes {
            tally(&p);
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
        self.taken_from_ours += from_ours;
        self.taken_from_theirs += from_theirs;
        self.steps.extend(steps);
        self.conflicts.extend(conflicts);
    }

    /// Every conflict, in BASE's order (then features added on both sides).
    pub fn conflicts(&self) -> impl ExactSizeIterator<Item = &Conflict> {
        self.conflicts.iter().map(|(_, c)| c)
    }

    /// How many changes of each side the result holds, conflicts resolved by `resolved`
    /// (`None`: not resolved, not counted): `(from OURS, from THEIRS)`. A change is a feature
    /// added or deleted, or one property, geometry or member changed; one made the same way on
    /// both sides counts once, for OURS.
    pub fn taken(&self, resolved: impl Fn(&Conflict) -> Option<Side>) -> (usize, usize) {
        let count = |side| {
            self.conflicts()
                .filter(|c| resolved(c) == Some(side))
                .count()
        };
        (
            self.taken_from_ours + count(Side::Ours),
            self.taken_from_theirs + count(Side::Theirs),
        )
    }

    /// The edit that turns OURS (the open layer `layer`, as it was when merged) into the
    /// merge, each conflict resolved by `choose` (OURS' side: OURS' version stays). One step.
    pub fn edit(&self, layer: LayerId, choose: impl Fn(&Conflict) -> Side) -> Edit {
        let mut edits: Vec<Edit> = self.steps.iter().map(|e| on_layer(e, layer)).collect();
        let mut deletes = self.deletes.clone();
        let mut inserts: Vec<(usize, &Feature)> =
            self.inserts.iter().map(|(t, f)| (*t, f)).collect();
        for (o, conflict) in &self.conflicts {
            if choose(conflict) == Side::Ours {
                continue;
            }
            match (&conflict.theirs_side, o) {
                (Resolution::Delete, Some(o)) => deletes.push(*o),
                (Resolution::Insert(t, feature), _) => inserts.push((*t, feature)),
                (resolution, Some(o)) => edits.extend(resolution_edits(
                    resolution,
                    FeatureRef { layer, index: *o },
                )),
                (_, None) => {}
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
                .map(|(k, (_, f))| (start + k, f.clone()))
                .collect();
            edits.push(Edit::InsertFeatures { layer, features });
        }
        Edit::Batch(edits)
    }
}

/// A part of a feature the merge decides on.
enum Part {
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

/// The edits of THEIRS' side of a conflict on the feature at `target`.
fn resolution_edits(resolution: &Resolution, target: FeatureRef) -> Vec<Edit> {
    match resolution {
        Resolution::Property(name, value) => {
            vec![property_edit(target, name.clone(), value.clone())]
        }
        Resolution::Member(name, value) => vec![Edit::SetTopLevel {
            target,
            key: name.clone(),
            value: value.clone(),
        }],
        Resolution::Geometry(theirs) => geometry_edits(theirs, target).into(),
        Resolution::Delete => vec![Edit::DeleteFeature { target }],
        Resolution::Insert(_, feature) => vec![Edit::InsertFeature {
            layer: target.layer,
            index: target.index,
            feature: (**feature).clone(),
        }],
    }
}

impl Conflict {
    /// The edit that resolves this conflict to `side` on the open layer `current` (id
    /// `layer`), after the merge's own edit: `None` for OURS' side (OURS' version is what the
    /// layer holds) or when the feature is no longer in the layer. The feature is found by its
    /// key, so other edits made since do not matter; THEIRS' version of a feature OURS deleted
    /// is appended.
    pub fn edit(&self, side: Side, layer: LayerId, current: &Layer, key: &Key) -> Option<Edit> {
        if side == Side::Ours {
            return None;
        }
        let index = match &self.theirs_side {
            Resolution::Insert(..) => current.features.len(),
            _ => key.find(current, &self.key)?,
        };
        let edits = resolution_edits(&self.theirs_side, FeatureRef { layer, index });
        Some(Edit::Batch(edits))
    }

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
