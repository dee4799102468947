//! Large blocks that can be backed by transparent huge pages.
//!
//! A run writes a few hundred MiB of fresh memory: the batch buffers and every accumulator's
//! exact pilot (2 MiB per column). With 4 KiB pages the kernel takes one page fault per 4 KiB on
//! first touch, and on a virtual machine those faults cost more than the writes themselves
//! (about a fifth of a 1M-sample run's CPU time). Two pieces cut them:
//!
//! - [`LargePages`], the global allocator of the binary and the benchmarks, maps every block of
//!   at least 2 MiB on its own, aligned to 2 MiB and rounded up to whole huge pages. A fresh
//!   mapping reads as zeros, so a zeroed block is not written twice (once by the kernel, once by
//!   a fill);
//! - [`prefer_huge_pages`] asks Linux (`madvise(MADV_HUGEPAGE)`) to back the whole huge pages of
//!   a block with huge pages, before anything is written to it: one fault per 2 MiB;
//! - blocks from 64 KiB up to 2 MiB (LHS strata, histogram counts, grid samples, rank vectors)
//!   come from a pool in huge pages that keeps freed blocks for the next block of their size
//!   class, where the system allocator gave the pages back and the next block faulted them in
//!   again.
//!
//! The pilots and the batch buffers ask. A buffer of many columns that are read or written side
//! by side must pad them apart (see `engine::COLUMN_STRIDE`): columns exactly 256 KiB apart
//! share the same cache sets once physically contiguous, and the model ran 2.5 times slower.
//! Where transparent huge pages are off, nothing changes but the alignment; on other systems the
//! allocator is the system's. Results never depend on any of this.
//!
//! The binary and the benchmarks install the allocator with
//! `#[global_allocator] static ALLOC: gwsim::pages::LargePages = gwsim::pages::LargePages;`.

use std::alloc::{GlobalAlloc, Layout, System};

/// A huge page: blocks of at least this many bytes are mapped on their own, aligned to it.
pub const HUGE_PAGE: usize = 2 << 20;

/// The system allocator, with large blocks mapped apart in whole huge pages (Linux).
pub struct LargePages;

/// Whether a block is mapped on its own: at least a huge page, at most a huge page's alignment.
fn is_large(layout: Layout) -> bool {
    cfg!(target_os = "linux") && layout.size() >= HUGE_PAGE && layout.align() <= HUGE_PAGE
}

/// The length of the mapping of a large block of `size` bytes: whole huge pages.
fn mapped_len(size: usize) -> usize {
    // `size` is at most `isize::MAX`: no overflow.
    size.next_multiple_of(HUGE_PAGE)
}

/// A fresh mapping of `mapped_len(size)` bytes aligned to [`HUGE_PAGE`], zero-filled; null when
/// the system has no room.
#[cfg(target_os = "linux")]
fn map(size: usize) -> *mut u8 {
    let len = mapped_len(size);
    let Some(span) = len.checked_add(HUGE_PAGE) else {
        return std::ptr::null_mut();
    };
    // SAFETY: a new private anonymous mapping, anywhere; nothing else is touched.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            span,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        return std::ptr::null_mut();
    }
    let (p, start) = (p as usize, (p as usize).next_multiple_of(HUGE_PAGE));
    let (end, span_end) = (start + len, p + span);
    // SAFETY: both ranges lie in the mapping just made, outside the block handed out.
    unsafe {
        if start > p {
            libc::munmap(p as *mut libc::c_void, start - p);
        }
        if span_end > end {
            libc::munmap(end as *mut libc::c_void, span_end - end);
        }
    }
    start as *mut u8
}

#[cfg(not(target_os = "linux"))]
fn map(_size: usize) -> *mut u8 {
    unreachable!("large blocks are mapped apart on Linux only")
}

/// Unmap a block from [`map`].
///
/// # Safety
/// `ptr` must come from `map(size)` and not be used again.
#[cfg(target_os = "linux")]
unsafe fn unmap(ptr: *mut u8, size: usize) {
    // SAFETY: the caller's promise: the whole mapping is ours to give back.
    unsafe {
        libc::munmap(ptr.cast(), mapped_len(size));
    }
}

#[cfg(not(target_os = "linux"))]
unsafe fn unmap(_ptr: *mut u8, _size: usize) {
    unreachable!("large blocks are mapped apart on Linux only")
}

/// Ask the kernel to back the whole huge pages inside `region` with huge pages, from their first
/// touch on. Call it on memory not yet written (a vector's spare capacity, or a block fresh from
/// [`LargePages`], which reads as zeros until written). A region holds whole huge pages only if
/// it is large and aligned, as [`LargePages`] makes them; otherwise nothing changes.
pub fn prefer_huge_pages<T>(region: &mut [T]) {
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

/// Hint that the cache line at `p` will soon be read. Any address will do: a prefetch never
/// faults and never changes memory, so the pointer need not be valid.
#[inline(always)]
pub fn prefetch_read<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: PREFETCHT0 only moves a line into the cache; it cannot fault, whatever `p` is.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Blocks from this size up to [`HUGE_PAGE`] come from a pool of size classes (see the module
/// documentation).
pub const POOL_MIN: usize = 64 << 10;
/// Size classes of the pool: `POOL_MIN << c` bytes for `c < POOL_CLASSES` (64 KiB to 2 MiB).
const POOL_CLASSES: usize = 6;
/// The pool maps this much address space at a time (only what is touched becomes memory).
const SLAB: usize = 32 << 20;

/// The pool's size class for a layout: `Some(c)` when the block is served from class `c`.
fn pool_class(layout: Layout) -> Option<usize> {
    if !cfg!(target_os = "linux") || layout.size() < POOL_MIN || layout.size() >= HUGE_PAGE {
        return None;
    }
    if layout.align() > POOL_MIN {
        return None;
    }
    // size < 2 MiB, so the class is below POOL_CLASSES.
    Some((layout.size().next_power_of_two() / POOL_MIN).trailing_zeros() as usize)
}

/// Mid-size blocks (64 KiB up to 2 MiB): a bump region backed by huge pages where the kernel
/// offers them, and one free list per power-of-two size class. A freed block is kept for the
/// next block of its class and never given back: the strata of an LHS batch, a histogram's
/// counts, a grid sample are allocated again and again, and with the system allocator each time
/// came back as fresh pages, one fault per 4 KiB. The pool holds at most, per class, as many
/// blocks as were ever in use at once.
struct Pool {
    /// Next free byte of the current slab, and its end.
    bump: usize,
    end: usize,
    /// Head of each class's free list; a free block holds the address of the next in its first
    /// word (0 ends the list).
    free: [usize; POOL_CLASSES],
}

static POOL: std::sync::Mutex<Pool> = std::sync::Mutex::new(Pool {
    bump: 0,
    end: 0,
    free: [0; POOL_CLASSES],
});

impl Pool {
    /// A block of class `c`, and whether it is fresh (never written: reads as zeros). Null when
    /// the system has no room.
    fn take(&mut self, c: usize) -> (*mut u8, bool) {
        let head = self.free[c];
        if head != 0 {
            // SAFETY: a block on the free list is ours, and its first word is the next link.
            self.free[c] = unsafe { *(head as *const usize) };
            return (head as *mut u8, false);
        }
        let size = POOL_MIN << c;
        let mut at = self.bump.next_multiple_of(size);
        if self.bump == 0 || at + size > self.end {
            let slab = map(SLAB);
            if slab.is_null() {
                return (std::ptr::null_mut(), false);
            }
            advise(slab, SLAB);
            (self.bump, self.end) = (slab as usize, slab as usize + SLAB);
            at = self.bump;
        }
        self.bump = at + size;
        (at as *mut u8, true)
    }

    /// Give block `p` of class `c` back to its free list.
    ///
    /// # Safety
    /// `p` must come from `take(c)` and not be used again.
    unsafe fn give(&mut self, p: *mut u8, c: usize) {
        // SAFETY: the block is at least 64 KiB and ours again; its first word becomes the link.
        unsafe { *(p as *mut usize) = self.free[c] };
        self.free[c] = p as usize;
    }
}

/// The pool, locked. The lock is never held across a panic (nothing inside can panic), so a
/// poisoned lock is still consistent.
fn pool() -> std::sync::MutexGuard<'static, Pool> {
    POOL.lock().unwrap_or_else(|e| e.into_inner())
}

// SAFETY: a large block is a mapping of its own, aligned to HUGE_PAGE (at least the requested
// alignment) and at least the requested size, unmapped whole on dealloc. A pool block of class
// c is `POOL_MIN << c` bytes (at least the requested size) aligned to its size (at least
// POOL_MIN, at least the requested alignment), inside a slab that is never unmapped, and goes
// back to its class's free list on dealloc. `is_large` and `pool_class` depend on the layout
// alone, so dealloc and realloc find the same kind of block. Small blocks are the system's, with
// their layouts unchanged.
unsafe impl GlobalAlloc for LargePages {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if is_large(layout) {
            map(layout.size())
        } else if let Some(c) = pool_class(layout) {
            pool().take(c).0
        } else {
            // SAFETY: the caller's layout, unchanged.
            unsafe { System.alloc(layout) }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if is_large(layout) {
            // A fresh mapping reads as zeros: nothing to write (and nothing touched yet, so the
            // caller may still ask for huge pages).
            map(layout.size())
        } else if let Some(c) = pool_class(layout) {
            let (p, fresh) = pool().take(c);
            if !p.is_null() && !fresh {
                // SAFETY: the block has at least `layout.size()` bytes, all ours.
                unsafe { std::ptr::write_bytes(p, 0, layout.size()) };
            }
            p
        } else {
            // SAFETY: as in `alloc`.
            unsafe { System.alloc_zeroed(layout) }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if is_large(layout) {
            // SAFETY: a large block comes from `map(layout.size())`.
            unsafe { unmap(ptr, layout.size()) }
        } else if let Some(c) = pool_class(layout) {
            // SAFETY: a pool block of this layout comes from `take(c)`.
            unsafe { pool().give(ptr, c) }
        } else {
            // SAFETY: a small block comes from `System` with this layout.
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Ok(new) = Layout::from_size_align(new_size, layout.align()) else {
            return std::ptr::null_mut();
        };
        let system = |l: Layout| !is_large(l) && pool_class(l).is_none();
        if system(layout) && system(new) {
            // SAFETY: `ptr` came from `System` with `layout`.
            return unsafe { System.realloc(ptr, layout, new_size) };
        }
        if is_large(layout) && is_large(new) && mapped_len(new_size) == mapped_len(layout.size()) {
            // The mapping already has room.
            return ptr;
        }
        if pool_class(layout).is_some() && pool_class(layout) == pool_class(new) {
            // The block already has room.
            return ptr;
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

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).expect("layout")
    }

    #[test]
    fn large_blocks_are_aligned_and_keep_their_contents_through_realloc() {
        let a = LargePages;
        let big = layout(3 << 20, 8);
        // SAFETY: every block is used within its size and freed with the layout it has.
        unsafe {
            let p = a.alloc(big);
            assert!(!p.is_null());
            if cfg!(target_os = "linux") {
                assert_eq!(
                    p as usize % HUGE_PAGE,
                    0,
                    "a large block starts a huge page"
                );
            }
            for i in 0..big.size() {
                *p.add(i) = pattern(i);
            }
            // Within the mapping's whole huge pages (4 MiB): the same block.
            let grown = a.realloc(p, big, (7 << 20) / 2);
            if cfg!(target_os = "linux") {
                assert_eq!(grown, p);
            }
            // Larger: a new block with the old contents.
            let q = a.realloc(grown, layout((7 << 20) / 2, 8), 5 << 20);
            assert!((0..big.size()).all(|i| *q.add(i) == pattern(i)));
            // Small: the first bytes kept.
            let r = a.realloc(q, layout(5 << 20, 8), 4096);
            assert!((0..4096).all(|i| *r.add(i) == pattern(i)));
            // Small to small: the system's realloc.
            let s = a.realloc(r, layout(4096, 8), 8192);
            assert!((0..4096).all(|i| *s.add(i) == pattern(i)));
            // Back to large.
            let t = a.realloc(s, layout(8192, 8), 2 << 20);
            assert!((0..4096).all(|i| *t.add(i) == pattern(i)));
            a.dealloc(t, layout(2 << 20, 8));

            // A zeroed large block reads as zeros.
            let z = a.alloc_zeroed(big);
            assert!((0..big.size()).all(|i| *z.add(i) == 0));
            a.dealloc(z, big);

            // Alignments beyond a huge page go to the system, and are kept.
            let wide = layout(4 << 20, 4 << 20);
            assert!(!is_large(wide));
            let w = a.alloc(wide);
            assert_eq!(w as usize % (4 << 20), 0);
            a.dealloc(w, wide);
        }
        assert!(!is_large(layout(64, 8)));
        assert!(!is_large(layout(HUGE_PAGE - 8, 8)));
        assert_eq!(is_large(layout(HUGE_PAGE, 8)), cfg!(target_os = "linux"));
    }

    #[test]
    fn mid_size_blocks_come_from_the_pool_and_are_reused() {
        let a = LargePages;
        assert_eq!(pool_class(layout(POOL_MIN - 8, 8)), None);
        assert_eq!(pool_class(layout(HUGE_PAGE, 8)), None);
        assert_eq!(pool_class(layout(POOL_MIN, 2 * POOL_MIN)), None);
        if !cfg!(target_os = "linux") {
            assert_eq!(pool_class(layout(POOL_MIN, 8)), None);
            return;
        }
        assert_eq!(pool_class(layout(POOL_MIN, 8)), Some(0));
        assert_eq!(pool_class(layout(POOL_MIN + 1, 8)), Some(1));
        assert_eq!(pool_class(layout(HUGE_PAGE - 8, 8)), Some(POOL_CLASSES - 1));
        // SAFETY: every block is used within its size and freed with the layout it has.
        unsafe {
            for c in 0..POOL_CLASSES {
                // The class's smallest block (class 0) or a block just short of its top.
                let size = if c == 0 {
                    POOL_MIN
                } else {
                    (POOL_MIN << c) - 24
                };
                let l = layout(size, 8);
                let p = a.alloc(l);
                assert!(!p.is_null());
                assert_eq!(
                    p as usize % (POOL_MIN << c),
                    0,
                    "class {c} is aligned to its size"
                );
                for i in 0..size {
                    *p.add(i) = pattern(i);
                }
                // Within the class: the same block, contents kept.
                let top = size.max((POOL_MIN << c) - 8);
                let q = a.realloc(p, l, top);
                assert_eq!(q, p);
                assert!((0..size).all(|i| *q.add(i) == pattern(i)));
                a.dealloc(q, layout(top, 8));
                // A freed block is the next of its class (only this test uses the pool: the
                // tests' allocator is the system's), and is zeroed when it comes back zeroed.
                let z = a.alloc_zeroed(l);
                assert_eq!(z, q, "class {c} reuses its freed block");
                assert!((0..size).all(|i| *z.add(i) == 0), "class {c} zeroed");
                a.dealloc(z, l);
            }
            // Growing across classes, then to a large block and back: contents kept.
            let p = a.alloc(layout(100 << 10, 8));
            for i in 0..(100 << 10) {
                *p.add(i) = pattern(i);
            }
            let q = a.realloc(p, layout(100 << 10, 8), 700 << 10);
            assert!((0..(100 << 10)).all(|i| *q.add(i) == pattern(i)));
            let r = a.realloc(q, layout(700 << 10, 8), 3 << 20);
            assert!((0..(100 << 10)).all(|i| *r.add(i) == pattern(i)));
            let s = a.realloc(r, layout(3 << 20, 8), 80 << 10);
            assert!((0..(80 << 10)).all(|i| *s.add(i) == pattern(i)));
            a.dealloc(s, layout(80 << 10, 8));
            // Many blocks at once stay apart: each keeps its own contents.
            let l = layout(300 << 10, 8);
            let blocks: Vec<*mut u8> = (0..40).map(|_| a.alloc(l)).collect();
            for (k, &b) in blocks.iter().enumerate() {
                std::ptr::write_bytes(b, k as u8, l.size());
            }
            for (k, &b) in blocks.iter().enumerate() {
                assert!((0..l.size()).step_by(4093).all(|i| *b.add(i) == k as u8));
                assert_eq!(*b.add(l.size() - 1), k as u8);
            }
            for b in blocks {
                a.dealloc(b, l);
            }
        }
    }

    #[test]
    fn a_prefetch_of_any_address_is_harmless() {
        // Past the end of a vector, null, and an address nothing maps: no fault, no change.
        let v = vec![1.5f64; 64];
        prefetch_read(v.as_ptr().wrapping_add(1 << 20));
        prefetch_read(std::ptr::null::<f64>());
        prefetch_read(usize::MAX as *const u8);
        assert!(v.iter().all(|&x| x == 1.5));
    }

    #[test]
    fn advice_leaves_the_contents_alone() {
        // A vector's spare capacity, then a zeroed vector: the advice changes how they are
        // backed, never what they hold.
        let mut v: Vec<f64> = Vec::with_capacity(1 << 19);
        prefer_huge_pages(v.spare_capacity_mut());
        v.extend((0..1 << 19).map(|i| i as f64));
        assert!(v.iter().enumerate().all(|(i, &x)| x == i as f64));
        let mut z = vec![0.0f64; 3 << 18];
        prefer_huge_pages(&mut z);
        assert!(z.iter().all(|&x| x == 0.0));
        // An empty region is fine.
        let mut e: Vec<f64> = Vec::new();
        prefer_huge_pages(e.spare_capacity_mut());
    }
}
