//! Verified grants kept on the Rust side until JavaScript lets go of them.
//!
//! `verify` hands JavaScript a number, the grant's handle, instead of an object with every
//! field filled in: most callers read one or two fields, and working out the effective scopes
//! costs as much as verifying. The package's `Grant` class asks for each field here when it
//! is first read, and a `FinalizationRegistry` calls [`release_grant`] once the object is
//! garbage. A registry callback costs a fraction of what a Node-API finalizer does.

use std::cell::RefCell;

use napi::Env;
use napi_derive::napi;

use crate::convert::Date;
use crate::error::{Failure, catch};

/// One place in the table: a grant, or nothing, and how many times it has been reused.
struct Slot {
    generation: u32,
    grant: Option<till_core::Grant>,
}

#[derive(Default)]
struct Table {
    slots: Vec<Slot>,
    free: Vec<u32>,
}

thread_local! {
    // Each JavaScript environment (the main thread, each worker) runs on a thread of its own,
    // so each has a table of its own, which goes away with its thread. It opens when the
    // loader registers, which also sets up the releasing of grants.
    static GRANTS: RefCell<Option<Table>> = const { RefCell::new(None) };
}

/// Opens this JavaScript environment's table, once its loader can release grants.
pub(crate) fn open() {
    GRANTS.with_borrow_mut(|table| {
        table.get_or_insert_with(Table::default);
    });
}

/// Handles are exact in a JavaScript number: the slot in the low 32 bits, the generation in
/// the 21 bits above, so that a handle of a released grant never reads its successor.
const GENERATIONS: u32 = 1 << 21;
const SLOTS: f64 = 4_294_967_296.0;

/// Keeps `grant` and returns its handle.
pub(crate) fn keep(grant: till_core::Grant) -> Result<f64, Failure> {
    GRANTS.with_borrow_mut(|table| {
        let table = table
            .as_mut()
            .ok_or_else(|| Failure::Js(napi::Error::from_reason(LOADER)))?;
        let index = match table.free.pop() {
            Some(index) => index,
            None => {
                let index = u32::try_from(table.slots.len()).unwrap_or(u32::MAX);
                table.slots.push(Slot {
                    generation: 0,
                    grant: None,
                });
                index
            }
        };
        let slot = &mut table.slots[index as usize];
        slot.grant = Some(grant);
        Ok(f64::from(slot.generation) * SLOTS + f64::from(index))
    })
}

/// Reads the grant behind `handle`.
fn read<T>(handle: f64, field: impl FnOnce(&till_core::Grant) -> T) -> Result<T, Failure> {
    GRANTS.with_borrow(|table| {
        let slot = locate(handle).and_then(|(index, generation)| {
            let slot = table.as_ref()?.slots.get(index as usize)?;
            (slot.generation == generation).then_some(slot.grant.as_ref()?)
        });
        slot.map(field).ok_or(Failure::Type(RELEASED))
    })
}

/// The slot and generation a handle names, if it is one.
fn locate(handle: f64) -> Option<(u32, u32)> {
    let whole = handle.is_finite() && handle >= 0.0 && handle.fract() == 0.0;
    if !whole || handle >= f64::from(GENERATIONS) * SLOTS {
        return None;
    }
    // In range and whole, as checked above.
    let handle = handle as u64;
    let index = u32::try_from(handle & u64::from(u32::MAX)).ok()?;
    let generation = u32::try_from(handle >> 32).ok()?;
    Some((index, generation))
}

/// Drops the grant behind `handle`; called once its `Grant` object is garbage.
#[napi(skip_typescript)]
pub fn release_grant(handle: f64) {
    GRANTS.with_borrow_mut(|table| {
        let Some(table) = table.as_mut() else {
            return;
        };
        let Some((index, generation)) = locate(handle) else {
            return;
        };
        let Some(slot) = table.slots.get_mut(index as usize) else {
            return;
        };
        if slot.generation == generation && slot.grant.take().is_some() {
            slot.generation = (slot.generation + 1) % GENERATIONS;
            table.free.push(index);
        }
    });
}

/// Reads one field of a grant for the `Grant` class.
fn field<T>(
    env: &Env,
    handle: f64,
    read_field: impl FnOnce(&till_core::Grant) -> T,
) -> napi::Result<T> {
    catch(env, || read(handle, read_field))
}

/// The key's id.
#[napi(skip_typescript)]
pub fn grant_key_id(env: Env, handle: f64) -> napi::Result<String> {
    field(&env, handle, |grant| grant.key_id().to_string())
}

/// The id of the root key that minted the key.
#[napi(skip_typescript)]
pub fn grant_root_key_id(env: Env, handle: f64) -> napi::Result<String> {
    field(&env, handle, |grant| grant.root_key_id().to_string())
}

/// The application prefix.
#[napi(skip_typescript)]
pub fn grant_prefix(env: Env, handle: f64) -> napi::Result<String> {
    field(&env, handle, |grant| grant.prefix().to_string())
}

/// The environment.
#[napi(skip_typescript)]
pub fn grant_env(env: Env, handle: f64) -> napi::Result<String> {
    field(&env, handle, |grant| grant.env().to_string())
}

/// The subject, or `null`.
#[napi(skip_typescript)]
pub fn grant_subject(env: Env, handle: f64) -> napi::Result<Option<String>> {
    field(&env, handle, |grant| grant.subject().map(str::to_owned))
}

/// The audience, or `null`.
#[napi(skip_typescript)]
pub fn grant_audience(env: Env, handle: f64) -> napi::Result<Option<String>> {
    field(&env, handle, |grant| grant.audience().map(str::to_owned))
}

/// The effective scopes.
#[napi(skip_typescript)]
pub fn grant_scopes(env: Env, handle: f64) -> napi::Result<Vec<String>> {
    field(&env, handle, |grant| {
        let scopes = grant.scopes();
        scopes
            .iter()
            .map(|scope| scope.as_str().to_owned())
            .collect()
    })
}

/// The roles the key names.
#[napi(skip_typescript)]
pub fn grant_roles(env: Env, handle: f64) -> napi::Result<Vec<String>> {
    field(&env, handle, |grant| {
        grant.roles().map(str::to_owned).collect()
    })
}

/// When the key was minted.
#[napi(skip_typescript)]
pub fn grant_issued_at(env: Env, handle: f64) -> napi::Result<Date> {
    field(&env, handle, |grant| Date(grant.issued_at()))
}

/// When the key stops being valid, or `null`.
#[napi(skip_typescript)]
pub fn grant_expires_at(env: Env, handle: f64) -> napi::Result<Option<Date>> {
    field(&env, handle, |grant| grant.expires_at().map(Date))
}

/// When the key starts being valid, or `null`.
#[napi(skip_typescript)]
pub fn grant_not_before(env: Env, handle: f64) -> napi::Result<Option<Date>> {
    field(&env, handle, |grant| grant.not_before().map(Date))
}

/// The delegation chain, oldest block first.
#[napi(skip_typescript)]
pub fn grant_chain(env: Env, handle: f64) -> napi::Result<Vec<Link>> {
    field(&env, handle, |grant| {
        let link = |link: till_core::Link<'_>| Link {
            id: link.id.to_string(),
            label: link.label.map(str::to_owned),
        };
        grant.chain().map(link).collect()
    })
}

/// One attenuation block of a key's delegation chain.
#[derive(Debug)]
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Link {
    /// The block's id, which `isRevoked` receives.
    pub id: String,
    /// Whom the block delegates to, if it says.
    pub label: Option<String>,
}

const LOADER: &str = "load the addon through @till/node's index.js";
const RELEASED: &str = "a Grant is made only by Verifier#verify and Verifier#authenticate";
