//! Large blocks that can be backed by transparent huge pages.
//!
//! A run writes a few hundred MiB of fresh memory: every accumulator's exact pilot (2 MiB per
//! column) and the batch buffers. With 4 KiB pages the kernel takes one page fault per 4 KiB on
//! first touch, and on a virtual machine those faults cost more than the writes themselves
//! (about a fifth of a 1M-sample run's CPU time). Two pieces cut them:
//!
//! - [`LargePages`], the global allocator of the binary and the benchmarks, aligns every block
//!   of at least 2 MiB to 2 MiB, so that such a block is made of whole huge pages;
//! - [`prefer_huge_pages`] asks Linux (`madvise(MADV_HUGEPAGE)`) to back a block's whole 2 MiB
//!   pages with huge pages, before anything is written to it: one fault per 2 MiB.
//!
//! Only the pilots ask. The batch buffers do not: their dozens of columns, 256 KiB apart, would
//! all map to the same cache sets once physically contiguous, and the model, which writes them
//! side by side, runs twice as slowly (measured). With 4 KiB pages their physical addresses are
//! scattered. Where transparent huge pages are off, or on other systems, nothing changes. Results
//! never depend on any of this.
//!
//! The binary and the benchmarks install the allocator with
//! `#[global_allocator] static ALLOC: gwsim::pages::LargePages = gwsim::pages::LargePages;`.

use std::alloc::{GlobalAlloc, Layout, System};

/// A huge page: blocks of at least this many bytes are aligned to it.
pub const HUGE_PAGE: usize = 2 << 20;

/// The system allocator, with large blocks aligned to [`HUGE_PAGE`].
pub struct LargePages;

/// The layout a block is really allocated with: large ones aligned to [`HUGE_PAGE`]. It depends
/// on the requested layout alone, so `dealloc` finds the same one.
fn actual(layout: Layout) -> Layout {
    if layout.size() >= HUGE_PAGE && layout.align() < HUGE_PAGE {
        // Fails only for sizes within 2 MiB of `isize::MAX`, which keep their layout.
        Layout::from_size_align(layout.size(), HUGE_PAGE).unwrap_or(layout)
    } else {
        layout
    }
}

/// Ask the kernel to back the whole huge pages inside `region` with huge pages, from their first
/// touch on. Call it on memory not yet written (a vector's spare capacity). Without the
/// alignment of [`LargePages`] a region rarely holds a whole huge page, and then nothing changes.
pub fn prefer_huge_pages<T>(region: &mut [std::mem::MaybeUninit<T>]) {
    advise(region.as_mut_ptr().cast(), std::mem::size_of_val(region));
}

#[cfg(target_os = "linux")]
fn advise(ptr: *mut u8, size: usize) {
    let start = (ptr as usize).next_multiple_of(HUGE_PAGE);
    let end = (ptr as usize + size) / HUGE_PAGE * HUGE_PAGE;
    if end > start {
        // SAFETY: the range lies inside a block the caller owns; MADV_HUGEPAGE changes how the
        // kernel backs it, never its contents. A failure (huge pages off) changes nothing.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn advise(_ptr: *mut u8, _size: usize) {}

// SAFETY: every block is allocated and freed by `System` with the same layout (`actual` of the
// requested one), and is at least as aligned as requested.
unsafe impl GlobalAlloc for LargePages {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: `actual` keeps the requested size (non-zero, as the caller guarantees).
        unsafe { System.alloc(actual(layout)) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as in `alloc`.
        unsafe { System.alloc_zeroed(actual(layout)) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` with `actual(layout)`.
        unsafe { System.dealloc(ptr, actual(layout)) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Ok(new) = Layout::from_size_align(new_size, layout.align()) else {
            return std::ptr::null_mut();
        };
        if actual(layout) == layout && actual(new) == new {
            // Both sizes small: the system's realloc, which may grow in place.
            // SAFETY: `ptr` came from `System` with `layout`.
            return unsafe { System.realloc(ptr, layout, new_size) };
        }
        // SAFETY: a fresh block, the overlap copied, the old block freed with its layout.
        unsafe {
            let p = self.alloc(new);
            if !p.is_null() {
                std::ptr::copy_nonoverlapping(ptr, p, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            p
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(i: usize) -> u8 {
        (i * 31 % 251) as u8
    }

    #[test]
    fn large_blocks_are_aligned_and_keep_their_contents_through_realloc() {
        let a = LargePages;
        let big = Layout::from_size_align(3 << 20, 8).expect("layout");
        // SAFETY: every block is used within its size and freed with the layout it has.
        unsafe {
            let p = a.alloc(big);
            assert!(!p.is_null());
            assert_eq!(
                p as usize % HUGE_PAGE,
                0,
                "a large block starts a huge page"
            );
            for i in 0..big.size() {
                *p.add(i) = pattern(i);
            }
            // Larger: a new aligned block with the old contents.
            let q = a.realloc(p, big, 5 << 20);
            assert_eq!(q as usize % HUGE_PAGE, 0);
            assert!((0..big.size()).all(|i| *q.add(i) == pattern(i)));
            // Small: the first bytes kept.
            let r = a.realloc(
                q,
                Layout::from_size_align(5 << 20, 8).expect("layout"),
                4096,
            );
            assert!((0..4096).all(|i| *r.add(i) == pattern(i)));
            // Small to small: the system's realloc.
            let small = Layout::from_size_align(4096, 8).expect("layout");
            let s = a.realloc(r, small, 8192);
            assert_eq!(s as usize % 8, 0);
            assert!((0..4096).all(|i| *s.add(i) == pattern(i)));
            a.dealloc(s, Layout::from_size_align(8192, 8).expect("layout"));

            let z = a.alloc_zeroed(big);
            assert_eq!(z as usize % HUGE_PAGE, 0);
            assert!((0..big.size()).all(|i| *z.add(i) == 0));
            a.dealloc(z, big);
        }
        // Alignments larger than a huge page are kept.
        let wide = Layout::from_size_align(4 << 20, 4 << 20).expect("layout");
        assert_eq!(actual(wide), wide);
        let tiny = Layout::from_size_align(64, 8).expect("layout");
        assert_eq!(actual(tiny), tiny);
    }

    #[test]
    fn advice_leaves_the_contents_alone() {
        // The region is a vector's spare capacity; the advice changes how it is backed, never
        // what it holds once written.
        let mut v: Vec<f64> = Vec::with_capacity(1 << 19);
        prefer_huge_pages(v.spare_capacity_mut());
        v.extend((0..1 << 19).map(|i| i as f64));
        assert!(v.iter().enumerate().all(|(i, &x)| x == i as f64));
        // An empty region is fine.
        let mut e: Vec<f64> = Vec::new();
        prefer_huge_pages(e.spare_capacity_mut());
    }
}
