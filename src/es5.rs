//! Raw exports for the ServiceNow ES5 build (wasm → wasm2js → ES5 transform).
//!
//! No wasm-bindgen here: the ES5 script cannot use its glue (typed arrays,
//! TextEncoder). The protocol is three calls, all on numbers:
//! 1. `eg_input(len)` sizes the input buffer and returns its address; the script writes
//!    the UTF-8 bytes of the operation name followed by the JSON arguments there;
//! 2. `eg_call(op_len, total_len, now_ms)` runs [`crate::api::call`] and returns the
//!    address of the UTF-8 answer;
//! 3. `eg_output_len()` gives the answer's length in bytes.
//!
//! Randomness (jitter without a seed) comes through getrandom's custom backend from
//! the import `env.eg_random()`, which the script implements with `Math.random()`.

use std::cell::RefCell;

thread_local! {
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Stops the instance with a trap (`unreachable`; wasm2js throws `Error("abort")`), as
/// running out of memory would. Not part of the contract: for the shim's recovery tests
/// (`__testing.trapNextCall()`).
#[no_mangle]
pub extern "C" fn eg_trap() {
    core::arch::wasm32::unreachable()
}

/// Sizes the input buffer to `len` zero bytes and returns its address.
#[no_mangle]
pub extern "C" fn eg_input(len: u32) -> u32 {
    INPUT.with(|b| {
        let mut b = b.borrow_mut();
        b.clear();
        b.resize(len as usize, 0);
        b.as_ptr() as u32
    })
}

/// Runs one operation on the input buffer; returns the answer's address.
#[no_mangle]
pub extern "C" fn eg_call(op_len: u32, total_len: u32, now_ms: f64) -> u32 {
    let answer = INPUT.with(|b| {
        let b = b.borrow();
        let total = (total_len as usize).min(b.len());
        let split = (op_len as usize).min(total);
        match (
            core::str::from_utf8(&b[..split]),
            core::str::from_utf8(&b[split..total]),
        ) {
            (Ok(op), Ok(args)) => crate::api::call(op, args, now_ms as i64),
            _ => crate::api::envelope(Err(vec![crate::Error::new(
                crate::ErrorCode::InvalidArgument,
                "",
                "arguments are not valid UTF-8",
            )])),
        }
    });
    OUTPUT.with(|o| {
        let mut o = o.borrow_mut();
        *o = answer.into_bytes();
        o.as_ptr() as u32
    })
}

/// Length in bytes of the last answer.
#[no_mangle]
pub extern "C" fn eg_output_len() -> u32 {
    OUTPUT.with(|o| o.borrow().len() as u32)
}

#[link(wasm_import_module = "env")]
extern "C" {
    /// A number in [0, 1) from the host (`Math.random()`).
    fn eg_random() -> f64;
}

/// getrandom's custom backend: bytes from the host's `Math.random()`. Good enough for
/// jitter, which is all this crate uses randomness for; not for secrets.
#[no_mangle]
unsafe extern "Rust" fn __getrandom_v03_custom(
    dest: *mut u8,
    len: usize,
) -> Result<(), getrandom::Error> {
    for i in 0..len {
        // SAFETY: getrandom passes a writable buffer of `len` bytes; `eg_random` is a
        // plain host function without preconditions.
        unsafe { dest.add(i).write((eg_random() * 256.0) as u8) };
    }
    Ok(())
}
