/* The passes' kernels: the loops over every record that numpy can only do in several passes of
 * fancy indexing, in C (optional; analyzer/kernels.py picks them when they are built and current,
 * and the passes use their numpy forms otherwise: the same results, slower).
 *
 *   first_occurrence   for each key, the least position of an equal key: hash tables of
 *                      positions, one for each partition of the keys (first_by_hash)
 *   reads              every source a record reads, and the record, as columns
 *   last_reads         of each record, the last record that reads it (from the sources columns)
 *   sweep_live         demand from the live records back along their sources
 *   add_at             np.add.at for integer columns
 *   static_sweep       staging: the pure ops whose sources are all known ahead of time
 *   residency          the scalar traffic's peak of resident bytes, and each input line's first reader
 *   scalar_repeats     value numbering's scalar ops: those whose (op, operand numbers) an earlier had
 *   float_keys         value numbering's rounded keys of floats (float_key)
 *   code_totals        the cost's totals: records and value bytes of each op code
 *   lookup             a table's item for each uint8 code (an op's or a value type's)
 *   number_floats      value numbering's floats: each one's first value of an equal rounded key,
 *                      and the values not within a tolerance of that first one
 *
 * Arrays arrive as buffers (numpy arrays) of the dtype each function names; the Python side
 * (analyzer/kernels.py) checks dtypes and lengths, this side checks sizes and indices again and
 * raises ValueError rather than read or write out of bounds.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef TAXO_SOURCE_DIGEST
#define TAXO_SOURCE_DIGEST ""       /* the build defines it: the sha256 of this file */
#endif

#define MAX_COLUMNS 4

static inline uint64_t
mix(uint64_t h)     /* murmur3's finalizer: every bit of the key moves every bit of the hash */
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static inline uint64_t
hash_at(const uint64_t *const *cols, int ncols, Py_ssize_t i)
{
    uint64_t h = mix(cols[0][i]);
    for (int c = 1; c < ncols; c++)
        h = mix(h ^ (cols[c][i] + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)));
    return h;
}

static inline int
same_key(const uint64_t *const *cols, int ncols, Py_ssize_t a, Py_ssize_t b)
{
    for (int c = 0; c < ncols; c++)
        if (cols[c][a] != cols[c][b])
            return 0;
    return 1;
}

typedef struct {
    const uint64_t *const *cols;
    int ncols;
} Columns;

static int
same_columns(const void *context, Py_ssize_t a, Py_ssize_t b)
{
    const Columns *c = context;
    return same_key(c->cols, c->ncols, a, b);
}

static void
release_all(Py_buffer *views, int count)
{
    for (int k = 0; k < count; k++)
        PyBuffer_Release(&views[k]);
}

/* Whether the keys at positions a and b are equal, asked only of keys whose hashes are equal. */
typedef int (*SameKey)(const void *context, Py_ssize_t a, Py_ssize_t b);

#define PARTITION_KEYS 4096         /* keys per partition, about: its table (32 KiB) stays in cache, and
                                       the partitions are few enough to write one stream each */
#define MAX_PARTITION_BITS 14

/* first[i] (or first32[i], when first32 is not NULL) = the least j whose key equals i's, for m
 * keys given by their 64-bit hashes (equal keys, equal hashes); ``same`` tells the keys of two
 * equal hashes apart (NULL: the hash is a bijection of the key, and equal hashes are equal keys).
 * Returns 0; -1 out of memory (no error set); 1 when the tables probed far more than a hash should
 * (keys made to collide): the caller falls back.
 *
 * One hash table over a million keys misses the cache at nearly every probe. So the keys are
 * first partitioned by the top bits of their hashes, in position order (equal keys fall in one
 * partition, in the order they came), each partition is hashed in a table that stays in the
 * cache, and the answers are gathered back in position order. The partitioning and the gathering
 * each write or read one stream per partition: sequential within each. */
static int
first_by_hash(Py_ssize_t m, const uint64_t *hash, SameKey same, const void *context, int64_t *first,
              int32_t *first32)
{
    if (m <= 0)
        return 0;
    int pbits = 0;
    while (pbits < MAX_PARTITION_BITS && ((Py_ssize_t)PARTITION_KEYS << pbits) < m)
        pbits++;
    Py_ssize_t partitions = (Py_ssize_t)1 << pbits, largest = 0;
    int shift = 64 - pbits;     /* (pbits 0: one partition; a shift by 64 is undefined) */
#define PARTITION(h) (pbits ? (Py_ssize_t)((h) >> shift) : 0)
    Py_ssize_t *cursor = PyMem_RawCalloc(partitions + 1, sizeof(Py_ssize_t));
    uint64_t *part_hash = PyMem_RawMalloc(m * sizeof(uint64_t));
    int32_t *part_pos = PyMem_RawMalloc(m * sizeof(int32_t));   /* positions, then (probed) their firsts */
    int32_t *table = NULL;
    int status = -1;
    if (!cursor || !part_hash || !part_pos)
        goto done;
    for (Py_ssize_t i = 0; i < m; i++)
        cursor[PARTITION(hash[i]) + 1]++;
    for (Py_ssize_t p = 0; p < partitions; p++) {
        largest = cursor[p + 1] > largest ? cursor[p + 1] : largest;
        cursor[p + 1] += cursor[p];         /* cursor[p]: where partition p starts */
    }
    for (Py_ssize_t i = 0; i < m; i++) {
        Py_ssize_t at = cursor[PARTITION(hash[i])]++;
        part_hash[at] = hash[i];
        part_pos[at] = (int32_t)i;
    }
    int tbits = 1;
    while (((Py_ssize_t)1 << tbits) < 2 * largest)
        tbits++;
    size_t tmask = ((size_t)1 << tbits) - 1;
    table = PyMem_RawMalloc((tmask + 1) * sizeof(int32_t));
    if (!table)
        goto done;
    Py_ssize_t probes = 0, limit = 64 * m + 1024;
    for (Py_ssize_t p = 0, lo = 0; p < partitions; p++) {
        Py_ssize_t hi = cursor[p];          /* (after the scatter: where partition p ends) */
        size_t mask = tmask;
        while (mask > 1 && (Py_ssize_t)(mask + 1) >= 4 * (hi - lo) && mask >= 64)
            mask >>= 1;                     /* a small partition: a small table to clear */
        memset(table, 0xff, (mask + 1) * sizeof(int32_t));
        for (Py_ssize_t e = lo; e < hi; e++) {
            uint64_t h = part_hash[e];
            for (size_t slot = h & mask;; slot = (slot + 1) & mask) {
                int32_t q = table[slot];
                if (q < 0) {            /* the first of its key: its own first (part_pos[e] stays) */
                    table[slot] = (int32_t)(e - lo);
                    break;
                }
                /* (part_pos[lo + q] is a first: its own position still) */
                if (part_hash[lo + q] == h && (!same || same(context, part_pos[lo + q], part_pos[e]))) {
                    part_pos[e] = part_pos[lo + q];
                    break;
                }
                if (++probes > limit) {
                    status = 1;
                    goto done;
                }
            }
        }
        lo = hi;
    }
    for (Py_ssize_t p = partitions; p > 0; p--)      /* the starts again */
        cursor[p] = cursor[p - 1];
    cursor[0] = 0;
    if (first32)
        for (Py_ssize_t i = 0; i < m; i++)
            first32[i] = part_pos[cursor[PARTITION(hash[i])]++];
    else
        for (Py_ssize_t i = 0; i < m; i++)
            first[i] = part_pos[cursor[PARTITION(hash[i])]++];
    status = 0;
#undef PARTITION
done:
    PyMem_RawFree(cursor);
    PyMem_RawFree(part_hash);
    PyMem_RawFree(part_pos);
    PyMem_RawFree(table);
    return status;
}

/* first_occurrence(columns, out) -> bool. ``columns``: a tuple of 1 to 4 buffers of uint64 (or
 * int64) of one length n; ``out``: a writable int64 buffer of n. Writes into out[i] the least j
 * whose key (one value of each column) equals i's and returns True; returns False, out undefined,
 * when the table probes far more than a hash should (keys made to collide): the caller sorts. */
static PyObject *
first_occurrence(PyObject *self, PyObject *args)
{
    PyObject *columns;
    Py_buffer out, views[MAX_COLUMNS];
    if (!PyArg_ParseTuple(args, "O!w*", &PyTuple_Type, &columns, &out))
        return NULL;
    int ncols = (int)PyTuple_GET_SIZE(columns), got = 0;
    const uint64_t *cols[MAX_COLUMNS];
    Py_ssize_t n = out.len / 8;
    if (ncols < 1 || ncols > MAX_COLUMNS || out.len % 8) {
        PyErr_SetString(PyExc_ValueError, "first_occurrence: 1 to 4 columns of 8-byte keys");
        goto fail;
    }
    for (; got < ncols; got++) {
        if (PyObject_GetBuffer(PyTuple_GET_ITEM(columns, got), &views[got], PyBUF_SIMPLE) < 0)
            goto fail;
        if (views[got].len != out.len) {
            got++;
            PyErr_SetString(PyExc_ValueError, "first_occurrence: columns of unequal length");
            goto fail;
        }
        cols[got] = views[got].buf;
    }
    if (n >= INT32_MAX / 2) {
        PyErr_SetString(PyExc_ValueError, "first_occurrence: too many keys for int32 positions");
        goto fail;
    }
    uint64_t *hashes = PyMem_RawMalloc((n + 1) * sizeof(uint64_t));
    if (!hashes) {
        PyErr_NoMemory();
        goto fail;
    }
    Columns context = {cols, ncols};
    int status;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++)
        hashes[i] = hash_at(cols, ncols, i);
    status = first_by_hash(n, hashes, same_columns, &context, out.buf, NULL);
    Py_END_ALLOW_THREADS
    PyMem_RawFree(hashes);
    if (status < 0) {
        PyErr_NoMemory();
        goto fail;
    }
    release_all(views, got);
    PyBuffer_Release(&out);
    return PyBool_FromLong(status == 0);
fail:
    release_all(views, got);
    PyBuffer_Release(&out);
    return NULL;
}

/* The sources of record i, stored wide (``wide``: a dict of record -> sequence of ids): a new
 * reference to a fast sequence whose every item is an int in [0, limit), or NULL with an error. */
static PyObject *
wide_sources(PyObject *wide, Py_ssize_t i, Py_ssize_t limit, const char *who)
{
    PyObject *key = PyLong_FromSsize_t(i);
    if (!key)
        return NULL;
    PyObject *sources = PyDict_GetItemWithError(wide, key);     /* borrowed */
    Py_DECREF(key);
    if (!sources) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_ValueError, "%s: record %zd has no wide sources", who, i);
        return NULL;
    }
    PyObject *seq = PySequence_Fast(sources, "wide sources are a sequence");
    if (!seq)
        return NULL;
    for (Py_ssize_t j = 0; j < PySequence_Fast_GET_SIZE(seq); j++) {
        Py_ssize_t s = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(seq, j));
        if (s < 0 || s >= limit) {
            if (!PyErr_Occurred())
                PyErr_Format(PyExc_ValueError, "%s: record %zd reads %zd, outside 0..%zd", who, i, s, limit - 1);
            Py_DECREF(seq);
            return NULL;
        }
    }
    return seq;
}

/* reads(src0, src1) -> (sources, readers): int32 bytearrays. Every first source (>= 0) in record
 * order, then every second source in record order, each with the record that reads it (the
 * sources of a record of more than two, WIDE, are the caller's to add). */
static PyObject *
reads(PyObject *self, PyObject *args)
{
    Py_buffer a, b;
    if (!PyArg_ParseTuple(args, "y*y*", &a, &b))
        return NULL;
    PyObject *src = NULL, *reader = NULL, *result = NULL;
    if (a.len != b.len || a.len % 4) {
        PyErr_SetString(PyExc_ValueError, "reads: two int32 columns of one length");
        goto done;
    }
    Py_ssize_t n = a.len / 4, k = 0;
    const int32_t *s0 = a.buf, *s1 = b.buf;
    for (Py_ssize_t i = 0; i < n; i++)
        k += (s0[i] >= 0) + (s1[i] >= 0);
    src = PyByteArray_FromStringAndSize(NULL, k * 4);
    reader = PyByteArray_FromStringAndSize(NULL, k * 4);
    if (!src || !reader)
        goto done;
    int32_t *out_src = (int32_t *)PyByteArray_AS_STRING(src), *out_reader = (int32_t *)PyByteArray_AS_STRING(reader);
    Py_ssize_t at = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (s0[i] >= 0) {
            out_src[at] = s0[i];
            out_reader[at++] = (int32_t)i;
        }
    for (Py_ssize_t i = 0; i < n; i++)
        if (s1[i] >= 0) {
            out_src[at] = s1[i];
            out_reader[at++] = (int32_t)i;
        }
    result = PyTuple_Pack(2, src, reader);
done:
    Py_XDECREF(src);
    Py_XDECREF(reader);
    PyBuffer_Release(&a);
    PyBuffer_Release(&b);
    return result;
}

/* last_reads(src0, src1, wide, WIDE, last): last[s] = the last record that reads s (or last[s],
 * if greater), from the records' sources (``src0``, ``src1``: int32 of every record; ``wide``: a
 * dict of the sources of those whose first is WIDE); last: writable int32 of every record. */
static PyObject *
last_reads(PyObject *self, PyObject *args)
{
    Py_buffer a, b, l;
    PyObject *wide;
    int wide_code;
    if (!PyArg_ParseTuple(args, "y*y*O!iw*", &a, &b, &PyDict_Type, &wide, &wide_code, &l))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t n = l.len / 4;
    if (a.len != b.len || a.len != l.len || l.len % 4) {
        PyErr_SetString(PyExc_ValueError, "last_reads: three int32 columns of every record");
        goto done;
    }
    const int32_t *s0 = a.buf, *s1 = b.buf;
    int32_t *last = l.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        int32_t first = s0[i], second = s1[i];
        if (first >= 0) {
            if (first >= n || second >= n) {
                PyErr_Format(PyExc_ValueError, "last_reads: record %zd reads past the %zd records", i, n);
                goto done;
            }
            if (i > last[first])
                last[first] = (int32_t)i;
            if (second >= 0 && i > last[second])
                last[second] = (int32_t)i;
        }
        else if (first == wide_code) {
            PyObject *seq = wide_sources(wide, i, n, "last_reads");
            if (!seq)
                goto done;
            for (Py_ssize_t j = 0; j < PySequence_Fast_GET_SIZE(seq); j++) {
                Py_ssize_t at = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(seq, j));
                if (i > last[at])
                    last[at] = (int32_t)i;
            }
            Py_DECREF(seq);
        }
    }
    result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&a);
    PyBuffer_Release(&b);
    PyBuffer_Release(&l);
    return result;
}

/* sweep_live(src0, src1, wide, WIDE, live): from the last record back, every source of a live
 * record becomes live (live: a writable byte of every record, nonzero for the seeds). A record
 * whose first source is WIDE reads the ids of ``wide[i]`` (a dict of record -> sequence). */
static PyObject *
sweep_live(PyObject *self, PyObject *args)
{
    Py_buffer a, b, l;
    PyObject *wide;
    int wide_code;
    if (!PyArg_ParseTuple(args, "y*y*O!iw*", &a, &b, &PyDict_Type, &wide, &wide_code, &l))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t n = l.len;
    if (a.len != b.len || a.len != 4 * n) {
        PyErr_SetString(PyExc_ValueError, "sweep_live: two int32 columns and a byte of every record");
        goto done;
    }
    const int32_t *s0 = a.buf, *s1 = b.buf;
    unsigned char *live = l.buf;
    for (Py_ssize_t i = n - 1; i >= 0; i--) {
        if (!live[i])
            continue;
        int32_t first = s0[i];
        if (first >= 0) {
            int32_t second = s1[i];
            if (first >= n || second >= n) {
                PyErr_Format(PyExc_ValueError, "sweep_live: record %zd reads past the %zd records", i, n);
                goto done;
            }
            live[first] = 1;
            if (second >= 0)
                live[second] = 1;
        }
        else if (first == wide_code) {
            PyObject *seq = wide_sources(wide, i, n, "sweep_live");
            if (!seq)
                goto done;
            for (Py_ssize_t j = 0; j < PySequence_Fast_GET_SIZE(seq); j++)
                live[PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(seq, j))] = 1;
            Py_DECREF(seq);
        }
    }
    result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&a);
    PyBuffer_Release(&b);
    PyBuffer_Release(&l);
    return result;
}

/* add_at(target, index, values, itemsize): target[index[j]] += values[j], as np.add.at; target
 * and values of one integer width (4 or 8 bytes), index int64. */
static PyObject *
add_at(PyObject *self, PyObject *args)
{
    Py_buffer t, x, v;
    int width;
    if (!PyArg_ParseTuple(args, "w*y*y*i", &t, &x, &v, &width))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t k = x.len / 8;
    if ((width != 4 && width != 8) || x.len % 8 || v.len != k * width || t.len % width) {
        PyErr_SetString(PyExc_ValueError, "add_at: int64 indices and one value of the target's width each");
        goto done;
    }
    Py_ssize_t n = t.len / width;
    const int64_t *index = x.buf;
    for (Py_ssize_t j = 0; j < k; j++)
        if (index[j] < 0 || index[j] >= n) {
            PyErr_Format(PyExc_ValueError, "add_at: index %lld outside %zd", (long long)index[j], n);
            goto done;
        }
    if (width == 8) {
        int64_t *target = t.buf;
        const int64_t *values = v.buf;
        for (Py_ssize_t j = 0; j < k; j++)
            target[index[j]] += values[j];
    }
    else {
        int32_t *target = t.buf;
        const int32_t *values = v.buf;
        for (Py_ssize_t j = 0; j < k; j++)
            target[index[j]] = (int32_t)((uint32_t)target[index[j]] + (uint32_t)values[j]);
    }
    result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&t);
    PyBuffer_Release(&x);
    PyBuffer_Release(&v);
    return result;
}

/* static_sweep(codes, src0, src1, wide, WIDE, pure, const_code, known) -> int64 bytearray of the
 * ids found static, ascending. One forward sweep: a constant is static, as is every record marked
 * in ``known`` (a writable byte of every record: the STATIC inputs); a pure op (``pure``: a byte
 * of every op code) whose sources are all static is static, and found. */
static PyObject *
static_sweep(PyObject *self, PyObject *args)
{
    Py_buffer c, a, b, p, k;
    PyObject *wide, *result = NULL;
    int wide_code, const_code;
    if (!PyArg_ParseTuple(args, "y*y*y*O!iy*iw*", &c, &a, &b, &PyDict_Type, &wide, &wide_code, &p, &const_code, &k))
        return NULL;
    Py_ssize_t n = c.len, count = 0;
    if (a.len != 4 * n || b.len != 4 * n || k.len != n) {
        PyErr_SetString(PyExc_ValueError, "static_sweep: a code, two int32 sources and a byte of every record");
        goto done;
    }
    const unsigned char *codes = c.buf, *pure = p.buf;
    const int32_t *s0 = a.buf, *s1 = b.buf;
    unsigned char *known = k.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char code = codes[i];
        if (code >= p.len) {
            PyErr_Format(PyExc_ValueError, "static_sweep: record %zd has op code %d, past the table", i, code);
            goto done;
        }
        int32_t first = s0[i], second = s1[i];
        if (code == const_code)
            known[i] = 1;
        else if (first >= 0) {
            if (first >= n || second >= n) {
                PyErr_Format(PyExc_ValueError, "static_sweep: record %zd reads past the %zd records", i, n);
                goto done;
            }
            if (known[first] && pure[code] && (second < 0 || known[second])) {
                known[i] = 2;
                count++;
            }
        }
        else if (first == wide_code && pure[code]) {
            PyObject *seq = wide_sources(wide, i, n, "static_sweep");
            if (!seq)
                goto done;
            int all = PySequence_Fast_GET_SIZE(seq) > 0;
            for (Py_ssize_t j = 0; all && j < PySequence_Fast_GET_SIZE(seq); j++)
                all = known[PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(seq, j))] != 0;
            Py_DECREF(seq);
            if (all) {
                known[i] = 2;
                count++;
            }
        }
    }
    result = PyByteArray_FromStringAndSize(NULL, count * 8);
    if (result) {
        int64_t *ids = (int64_t *)PyByteArray_AS_STRING(result);
        for (Py_ssize_t i = 0, at = 0; i < n; i++)
            if (known[i] == 2)
                ids[at++] = i;
    }
done:
    PyBuffer_Release(&c);
    PyBuffer_Release(&a);
    PyBuffer_Release(&b);
    PyBuffer_Release(&p);
    PyBuffer_Release(&k);
    return result;
}

/* residency(word, sizes, last, outputs, line_of, src0, src1, wide, WIDE, lines, line) -> (peak, first).
 * A scalar trace's bytes resident at each record: every word (``word``: a byte of every record;
 * ``sizes``: int64) from its record to its last reader (``last``: int32; an output's, int64
 * ``outputs``, to the end), and every input line (``line_of``: int64, the line of each record,
 * -1 for none; ``lines`` of them) of ``line`` bytes from its first reader on (the records that
 * read it: ``src0`` and ``src1``, int32 of every record, and ``wide``, a dict of the sources of
 * the records whose first is WIDE). ``peak``: the most resident at any record; ``first``: int64
 * bytearray, each line's first reader (n where none reads it). Without lines, ``line_of``,
 * ``src0`` and ``src1`` may be empty: the peak of live words alone. */
static PyObject *
residency(PyObject *self, PyObject *args)
{
    Py_buffer w, z, l, o, lo, s, r;
    PyObject *wide;
    int wide_code;
    Py_ssize_t lines, line;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*y*O!inn", &w, &z, &l, &o, &lo, &s, &r, &PyDict_Type, &wide, &wide_code,
                          &lines, &line))
        return NULL;
    PyObject *first = NULL, *result = NULL;
    int64_t *delta = NULL;
    unsigned char *out = NULL;
    Py_ssize_t n = w.len;
    int with_lines = !(lo.len == 0 && lines == 0 && s.len == 0 && r.len == 0);
    if (z.len != 8 * n || l.len != 4 * n || o.len % 8 || lines < 0
            || (with_lines && (lo.len != 8 * n || s.len != 4 * n || r.len != 4 * n))) {
        PyErr_SetString(PyExc_ValueError, "residency: columns of every record");
        goto done;
    }
    const unsigned char *word = w.buf;
    const int64_t *sizes = z.buf, *outputs = o.buf, *line_of = lo.buf;
    const int32_t *last = l.buf, *src0 = s.buf, *src1 = r.buf;
    delta = PyMem_RawCalloc(n + 2, sizeof(int64_t));
    out = PyMem_RawCalloc(n + 1, 1);
    first = PyByteArray_FromStringAndSize(NULL, lines * 8);
    if (!delta || !out || !first) {
        if (!PyErr_Occurred())
            PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t j = 0; j < o.len / 8; j++) {
        if (outputs[j] < 0 || outputs[j] >= n) {
            PyErr_Format(PyExc_ValueError, "residency: output %lld outside the %zd records", (long long)outputs[j], n);
            goto done;
        }
        out[outputs[j]] = 1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!word[i])
            continue;
        int64_t end = out[i] ? n : last[i];
        if (end < i || end > n) {
            PyErr_Format(PyExc_ValueError, "residency: record %zd's last reader %lld is before it", i, (long long)end);
            goto done;
        }
        delta[i] += sizes[i];
        delta[end + 1] -= sizes[i];
    }
    int64_t *firsts = (int64_t *)PyByteArray_AS_STRING(first);
    for (Py_ssize_t j = 0; j < lines; j++)
        firsts[j] = n;
    /* records in order: a line's first reader is the first met */
#define READS_LINE(at) do {                                                                         \
        int64_t at_line = line_of[at];                                                              \
        if (at_line >= 0) {                                                                         \
            if (at_line >= lines) {                                                                 \
                PyErr_Format(PyExc_ValueError, "residency: line %lld past the %zd lines", (long long)at_line, lines); \
                goto done;                                                                          \
            }                                                                                       \
            if (firsts[at_line] == n)                                                               \
                firsts[at_line] = i;                                                                \
        }                                                                                           \
    } while (0)
    for (Py_ssize_t i = 0; with_lines && i < n; i++) {
        int32_t a = src0[i], b = src1[i];
        if (a >= 0) {
            if (a >= n || b >= n) {
                PyErr_Format(PyExc_ValueError, "residency: record %zd reads past the %zd records", i, n);
                goto done;
            }
            READS_LINE(a);
            if (b >= 0)
                READS_LINE(b);
        }
        else if (a == wide_code) {
            PyObject *seq = wide_sources(wide, i, n, "residency");
            if (!seq)
                goto done;
            for (Py_ssize_t k = 0; k < PySequence_Fast_GET_SIZE(seq); k++) {
                Py_ssize_t at = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(seq, k));
                int64_t at_line = line_of[at];
                if (at_line >= lines) {
                    Py_DECREF(seq);
                    PyErr_Format(PyExc_ValueError, "residency: line %lld past the %zd lines", (long long)at_line, lines);
                    goto done;
                }
                if (at_line >= 0 && firsts[at_line] == n)
                    firsts[at_line] = i;
            }
            Py_DECREF(seq);
        }
    }
#undef READS_LINE
    for (Py_ssize_t j = 0; j < lines; j++)
        if (firsts[j] < n)
            delta[firsts[j]] += line;
    int64_t resident = 0, peak = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        resident += delta[i];
        if (resident > peak)
            peak = resident;
    }
    result = Py_BuildValue("LO", (long long)peak, first);
done:
    PyMem_RawFree(delta);
    PyMem_RawFree(out);
    Py_XDECREF(first);
    PyBuffer_Release(&w);
    PyBuffer_Release(&z);
    PyBuffer_Release(&l);
    PyBuffer_Release(&o);
    PyBuffer_Release(&lo);
    PyBuffer_Release(&s);
    PyBuffer_Release(&r);
    return result;
}

/* The scalar ops value numbering keys (see scalar_repeats): what it reads of the trace. */
typedef struct {
    const unsigned char *codes, *scalar, *pure, *commutative;
    const signed char *left, *right, *identity_value;
    const int32_t *s0, *s1;
    const int64_t *numbers;
    Py_ssize_t n, ncodes;
} Keyed;

/* Is record i a scalar pure op of one or two sources that is not x + 0, x * 1 ... with a constant
 * 0 or 1 (``identity_value``: of each record, 0 or 1 for such a constant, else -1; ``left`` and
 * ``right``: of each op code, the identity on that side, 2 for none)? */
static inline int
keyed(const Keyed *k, Py_ssize_t i)
{
    unsigned char code = k->codes[i];
    int32_t first = k->s0[i], last = k->s1[i] >= 0 ? k->s1[i] : first;
    if (!k->scalar[i] || !k->pure[code] || first < 0)
        return 0;
    return k->right[code] != k->identity_value[last] && k->left[code] != k->identity_value[first];
}

/* Is record i a scalar pure op of three or more sources (its first source ``wide_code``)? */
static inline int
wide_op(const Keyed *k, Py_ssize_t i, int wide_code)
{
    return k->s0[i] == wide_code && k->scalar[i] && k->pure[k->codes[i]];
}

/* The key of keyed record i: (code, a, b), a and b the numbers of its operands, sorted for a
 * commutative op of two; b is 0 for one operand, its number + 1 otherwise. */
static inline void
key_of(const Keyed *k, Py_ssize_t i, int64_t *code, int64_t *a, int64_t *b)
{
    int two = k->s1[i] >= 0;
    int64_t x = k->numbers[k->s0[i]], y = two ? k->numbers[k->s1[i]] : x;
    *code = k->codes[i];
    if (two && k->commutative[*code] && y < x) {
        int64_t t = x;
        x = y;
        y = t;
    }
    *a = x;
    *b = two ? y + 1 : 0;
}

typedef struct {
    const unsigned char *codes;
    const int32_t *ids;
    const int64_t *a, *b;
} OpKeys;

static int
same_op_key(const void *context, Py_ssize_t x, Py_ssize_t y)
{
    const OpKeys *k = context;
    return k->a[x] == k->a[y] && k->b[x] == k->b[y] && k->codes[k->ids[x]] == k->codes[k->ids[y]];
}

static inline uint64_t
key_hash(int64_t code, int64_t a, int64_t b)
{
    return mix(mix(mix((uint64_t)a) ^ ((uint64_t)b + 0x9e3779b97f4a7c15ULL)) ^ (uint64_t)code);
}

/* scalar_repeats(codes, src0, src1, scalar, numbers, pure, commutative, left, right,
 *                identity_value, WIDE) -> (repeats, unnumbered, wide)
 * Value numbering of a trace's scalar ops in one pass. ``wide``: the ids of scalar pure ops of
 * three or more sources (int64 bytearray; the caller keys them). When an operand of a keyed op has
 * no number (``numbers`` < 0), ``unnumbered`` lists every such operand once, in the order the ops
 * read them (first source, then second, op after op), and ``repeats`` is None: the caller numbers
 * them and asks again. Otherwise ``repeats``: the ids of the keyed ops whose key an earlier keyed
 * op had, ascending, and ``unnumbered`` is None. */
static PyObject *
scalar_repeats(PyObject *self, PyObject *args)
{
    Py_buffer b[10];
    int wide_code, got = 0;
    const char *names = "codes, src0, src1, scalar, numbers, pure, commutative, left, right, identity_value";
    PyObject *result = NULL, *wide = NULL, *unnumbered = NULL, *repeats = NULL;
    int32_t *ids = NULL;
    unsigned char *listed = NULL, *uses = NULL;
    int64_t *first_numbers = NULL, *second_numbers = NULL;
    int32_t *firsts = NULL;
    uint64_t *hashes = NULL;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*y*y*y*y*i", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &b[6], &b[7],
                          &b[8], &b[9], &wide_code))
        return NULL;
    got = 10;
    Keyed k = {b[0].buf, b[3].buf, b[5].buf, b[6].buf, b[7].buf, b[8].buf, b[9].buf, b[1].buf, b[2].buf, b[4].buf,
               b[0].len, b[5].len};
    Py_ssize_t n = k.n;
    if (b[1].len != 4 * n || b[2].len != 4 * n || b[3].len != n || b[4].len != 8 * n || b[9].len != n
            || b[6].len != k.ncodes || b[7].len != k.ncodes || b[8].len != k.ncodes || n >= INT32_MAX / 2) {
        PyErr_Format(PyExc_ValueError, "scalar_repeats: columns of every record and tables of every op code (%s)", names);
        goto done;
    }
    /* the keyed ops, in record order, and their keys (code, a, b) in three columns, in the scan
     * (the pages past the keyed ops are never touched) */
    ids = PyMem_RawMalloc((n + 1) * sizeof(int32_t));
    first_numbers = PyMem_RawMalloc((n + 1) * sizeof(int64_t));
    second_numbers = PyMem_RawMalloc((n + 1) * sizeof(int64_t));
    if (!ids || !first_numbers || !second_numbers) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t m = 0, nwide = 0, nunnumbered = 0;
    int64_t top = 0, key_code;
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char op = k.codes[i];
        if (op >= k.ncodes) {
            PyErr_Format(PyExc_ValueError, "scalar_repeats: record %zd has op code %d, past the tables", i, op);
            goto done;
        }
        if (k.s0[i] >= n || k.s1[i] >= n) {
            PyErr_Format(PyExc_ValueError, "scalar_repeats: record %zd reads past the %zd records", i, n);
            goto done;
        }
        nwide += wide_op(&k, i, wide_code);
        if (keyed(&k, i)) {
            ids[m] = (int32_t)i;
            nunnumbered += (k.numbers[k.s0[i]] < 0) + (k.s1[i] >= 0 && k.numbers[k.s1[i]] < 0);
            key_of(&k, i, &key_code, &first_numbers[m], &second_numbers[m]);    /* (unused if some are unnumbered) */
            top = first_numbers[m] > top ? first_numbers[m] : top;
            top = second_numbers[m] > top ? second_numbers[m] : top;
            m++;
        }
    }
    wide = PyByteArray_FromStringAndSize(NULL, nwide * 8);
    if (!wide)
        goto done;
    int64_t *wide_ids = (int64_t *)PyByteArray_AS_STRING(wide);
    for (Py_ssize_t i = 0, at = 0; at < nwide; i++)
        if (wide_op(&k, i, wide_code))
            wide_ids[at++] = i;
    if (nunnumbered) {
        listed = PyMem_RawCalloc(n, 1);
        unnumbered = PyByteArray_FromStringAndSize(NULL, nunnumbered * 8);
        if (!listed || !unnumbered) {
            if (!PyErr_Occurred())
                PyErr_NoMemory();
            goto done;
        }
        int64_t *out = (int64_t *)PyByteArray_AS_STRING(unnumbered);
        Py_ssize_t at = 0;
        for (Py_ssize_t j = 0; j < m; j++) {
            int32_t operands[2] = {k.s0[ids[j]], k.s1[ids[j]]};
            for (int o = 0; o < 2; o++)
                if (operands[o] >= 0 && k.numbers[operands[o]] < 0 && !listed[operands[o]]) {
                    listed[operands[o]] = 1;
                    out[at++] = operands[o];
                }
        }
        if (PyByteArray_Resize(unnumbered, at * 8) < 0)
            goto done;
        result = Py_BuildValue("OOO", Py_None, unnumbered, wide);
        goto done;
    }
    /* only an op whose first number is some other op's first too, and whose second is some other
     * op's second, can repeat one: the rest (most, where values are used once) stay out of the
     * table. Counts saturate at 2, a byte per number: small enough to stay in cache. */
    uses = PyMem_RawCalloc(2 * (top + 1), 1);
    if (!uses) {
        PyErr_NoMemory();
        goto done;
    }
    unsigned char *as_first = uses, *as_second = uses + top + 1;
    for (Py_ssize_t j = 0; j < m; j++) {
        as_first[first_numbers[j]] += as_first[first_numbers[j]] < 2;
        as_second[second_numbers[j]] += as_second[second_numbers[j]] < 2;
    }
    Py_ssize_t hashed = 0;          /* (the front of each column: the ops that may repeat one) */
    for (Py_ssize_t j = 0; j < m; j++)
        if (as_first[first_numbers[j]] == 2 && as_second[second_numbers[j]] == 2) {
            ids[hashed] = ids[j];
            first_numbers[hashed] = first_numbers[j];
            second_numbers[hashed++] = second_numbers[j];
        }
    hashes = PyMem_RawMalloc((hashed + 1) * sizeof(uint64_t));
    firsts = PyMem_RawMalloc((hashed + 1) * sizeof(int32_t));
    repeats = PyByteArray_FromStringAndSize(NULL, hashed * 8);
    if (!hashes || !firsts || !repeats) {
        if (!PyErr_Occurred())
            PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t j = 0; j < hashed; j++)
        hashes[j] = key_hash(k.codes[ids[j]], first_numbers[j], second_numbers[j]);
    OpKeys context = {k.codes, ids, first_numbers, second_numbers};
    int status = first_by_hash(hashed, hashes, same_op_key, &context, NULL, firsts);
    if (status != 0) {
        if (status < 0)
            PyErr_NoMemory();
        else
            PyErr_SetString(PyExc_ValueError, "scalar_repeats: the keys collide far more than a hash's");
        goto done;
    }
    int64_t *out = (int64_t *)PyByteArray_AS_STRING(repeats);
    Py_ssize_t found = 0;
    for (Py_ssize_t j = 0; j < hashed; j++)
        if (firsts[j] != j)
            out[found++] = ids[j];
    if (PyByteArray_Resize(repeats, found * 8) < 0)
        goto done;
    result = Py_BuildValue("OOO", repeats, Py_None, wide);
done:
    PyMem_RawFree(ids);
    PyMem_RawFree(listed);
    PyMem_RawFree(uses);
    PyMem_RawFree(first_numbers);
    PyMem_RawFree(second_numbers);
    PyMem_RawFree(firsts);
    PyMem_RawFree(hashes);
    Py_XDECREF(wide);
    Py_XDECREF(unnumbered);
    Py_XDECREF(repeats);
    for (int j = 0; j < got; j++)
        PyBuffer_Release(&b[j]);
    return result;
}

/* A float's rounded key: a 24-bit mantissa and the exponent packed in one int64, as
 * analyzer.passes.redundancy._float_keys_array computes it in numpy: frexp's mantissa (in [0.5, 1))
 * times 2**24, rounded half to even, times 4096, plus frexp's exponent + 2048.
 *
 * Here from the bits, without frexp and rint (library calls: the loop ran at half the speed). A
 * normal value's significand m (52 bits and the hidden one) has its top bit at 52: frexp's exponent
 * is the biased exponent - 1022, and the mantissa is m / 2**29 rounded half to even, branch-free.
 * Zero (either sign) has key 2048, as frexp's (0, 0) gives; a subnormal's significand is its
 * fraction, whose top bit sits lower (float_key_rare). A value that is not finite takes the key
 * numpy gives it on x86-64 (its mantissa converts to INT64_MIN, which times 4096 wraps to 0; its
 * exponent is 0): also 2048. Keys only group values to compare: whichever key a NaN has, it is
 * close to nothing. */
static int64_t
float_key_rare(uint64_t bits)
{
    uint64_t biased = (bits >> 52) & 0x7ff, fraction = bits & ((1ULL << 52) - 1), q;
    if (biased == 0x7ff || fraction == 0)
        return 2048;
    int top = 63 - __builtin_clzll(fraction);      /* a subnormal: fraction * 2**-1074 */
    if (top <= 23)
        q = fraction << (23 - top);
    else {
        int shift = top - 23;
        uint64_t rest = fraction & ((1ULL << shift) - 1), half = 1ULL << (shift - 1);
        q = (fraction >> shift) + ((rest > half) | ((rest == half) & (fraction >> shift)));
    }
    uint64_t sign = (uint64_t)0 - (bits >> 63);
    return (int64_t)(((q ^ sign) - sign) * 4096u) + (top + 2 - 1075 + 2048);
}

static inline int64_t
float_key(double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    uint64_t biased = (bits >> 52) & 0x7ff;
    if (__builtin_expect(biased == 0 || biased == 0x7ff, 0))
        return float_key_rare(bits);
    uint64_t m = (bits & ((1ULL << 52) - 1)) | (1ULL << 52), rest = m & ((1ULL << 29) - 1);
    uint64_t q = (m >> 29) + ((rest > (1ULL << 28)) | ((rest == (1ULL << 28)) & (m >> 29)));
    uint64_t sign = (uint64_t)0 - (bits >> 63);
    return (int64_t)(((q ^ sign) - sign) * 4096u) + (int64_t)biased - 1022 + 2048;
}

/* float_keys(values) -> keys. ``values``: float64; ``keys``: int64, float_key of each. */
static PyObject *
float_keys(PyObject *self, PyObject *args)
{
    Py_buffer v;
    if (!PyArg_ParseTuple(args, "y*", &v))
        return NULL;
    PyObject *keys = NULL;
    if (v.len % 8)
        PyErr_SetString(PyExc_ValueError, "float_keys: float64 values");
    else if ((keys = PyByteArray_FromStringAndSize(NULL, v.len))) {
        const double *values = v.buf;
        int64_t *key = (int64_t *)PyByteArray_AS_STRING(keys);
        for (Py_ssize_t i = 0; i < v.len / 8; i++)
            key[i] = float_key(values[i]);
    }
    PyBuffer_Release(&v);
    return keys;
}

/* Whether a and b are within ``rtol`` of each other, as redundancy._close_to decides: equal, or
 * |a - b| <= rtol * max(|a|, |b|) (NaN is within nothing, not even NaN). */
static inline int
within(double a, double b, double rtol)
{
    double d = fabs(a - b);
    return a == b || d <= rtol * fabs(b) || d <= rtol * fabs(a);
}

/* number_floats(values, rtol, ids, numbers, base) -> (heads, far, far_first).
 * ``values``: float64 (m); ``ids``: int64 (m), the record of each value; ``numbers``: writable
 * int64, of every record. Value i's first is the least position j whose rounded key (float_key)
 * equals its own: numbers[ids[i]] = base + j. ``heads``: bool, j == i; ``far``: int64, ascending,
 * the positions (not heads) whose value is not ``within`` rtol of their first's, and
 * ``far_first`` the j of each. (The keys themselves are left to the caller: few are ever needed.) */
static PyObject *
number_floats(PyObject *self, PyObject *args)
{
    Py_buffer v, idv, nv;
    double rtol;
    long long base;
    if (!PyArg_ParseTuple(args, "y*dy*w*L", &v, &rtol, &idv, &nv, &base))
        return NULL;
    PyObject *heads = NULL, *far = NULL, *far_first = NULL, *result = NULL;
    uint64_t *hashes = NULL;
    int32_t *lead = NULL;
    Py_ssize_t m = v.len / 8, records = nv.len / 8;
    const int64_t *ids = idv.buf;
    int64_t *numbers = nv.buf;
    if (v.len % 8 || m >= INT32_MAX / 2 || idv.len != 8 * m || nv.len % 8 || base < 0 || base > INT64_MAX / 2) {
        PyErr_SetString(PyExc_ValueError,
                        "number_floats: float64 values, fewer than 2**30, an int64 record id for each, int64 numbers");
        goto done;
    }
    for (Py_ssize_t i = 0; i < m; i++)
        if (ids[i] < 0 || ids[i] >= records) {
            PyErr_Format(PyExc_ValueError, "number_floats: value %zd's record %lld is past the %zd numbers",
                         i, (long long)ids[i], records);
            goto done;
        }
    const double *values = v.buf;
    heads = PyByteArray_FromStringAndSize(NULL, m);
    if (!heads)
        goto done;
    unsigned char *head = (unsigned char *)PyByteArray_AS_STRING(heads);
    hashes = PyMem_RawMalloc((m + 1) * sizeof(uint64_t));
    lead = PyMem_RawMalloc((m + 1) * sizeof(int32_t));
    if (!hashes || !lead) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < m; i++)
        hashes[i] = mix((uint64_t)float_key(values[i]));      /* (a bijection: equal hashes, equal keys) */
    int status = first_by_hash(m, hashes, NULL, NULL, NULL, lead);
    if (status != 0) {      /* (1 cannot be: equal hashes are equal keys, found at the first probe that meets them) */
        if (status < 0)
            PyErr_NoMemory();
        else
            PyErr_SetString(PyExc_RuntimeError, "number_floats: the hash table gave up");
        goto done;
    }
    far = PyByteArray_FromStringAndSize(NULL, m * 8);      /* (both cut to their length below) */
    far_first = PyByteArray_FromStringAndSize(NULL, m * 8);
    if (!far || !far_first)
        goto done;
    int64_t *out = (int64_t *)PyByteArray_AS_STRING(far), *out_first = (int64_t *)PyByteArray_AS_STRING(far_first);
    Py_ssize_t nfar = 0;
    for (Py_ssize_t i = 0; i < m; i++) {
        head[i] = lead[i] == i;
        numbers[ids[i]] = base + lead[i];
        if (!head[i] && !within(values[i], values[lead[i]], rtol)) {
            out[nfar] = i;
            out_first[nfar++] = lead[i];
        }
    }
    if (PyByteArray_Resize(far, nfar * 8) < 0 || PyByteArray_Resize(far_first, nfar * 8) < 0)
        goto done;
    result = PyTuple_Pack(3, heads, far, far_first);
done:
    PyMem_RawFree(hashes);
    PyMem_RawFree(lead);
    Py_XDECREF(heads);
    Py_XDECREF(far);
    Py_XDECREF(far_first);
    PyBuffer_Release(&v);
    PyBuffer_Release(&idv);
    PyBuffer_Release(&nv);
    return result;
}

/* code_totals(codes, value_bytes) -> (counts, bytes). ``codes``: uint8, the op code of each
 * record; ``value_bytes``: int64 of each record. ``counts``: int64 (256), the records of each code
 * (np.bincount); ``bytes``: int64 (256), the sum of their value_bytes. */
static PyObject *
code_totals(PyObject *self, PyObject *args)
{
    Py_buffer c, z;
    if (!PyArg_ParseTuple(args, "y*y*", &c, &z))
        return NULL;
    PyObject *counts = NULL, *sums = NULL, *result = NULL;
    if (z.len != 8 * c.len) {
        PyErr_SetString(PyExc_ValueError, "code_totals: a uint8 code and an int64 size of every record");
        goto done;
    }
    counts = PyByteArray_FromStringAndSize(NULL, 256 * 8);
    sums = PyByteArray_FromStringAndSize(NULL, 256 * 8);
    if (!counts || !sums)
        goto done;
    int64_t *count = (int64_t *)PyByteArray_AS_STRING(counts), *sum = (int64_t *)PyByteArray_AS_STRING(sums);
    memset(count, 0, 256 * 8);
    memset(sum, 0, 256 * 8);
    const unsigned char *codes = c.buf;
    const int64_t *size = z.buf;
    for (Py_ssize_t i = 0; i < c.len; i++) {
        count[codes[i]]++;
        sum[codes[i]] += size[i];
    }
    result = PyTuple_Pack(2, counts, sums);
done:
    Py_XDECREF(counts);
    Py_XDECREF(sums);
    PyBuffer_Release(&c);
    PyBuffer_Release(&z);
    return result;
}

/* lookup(table, itemsize, codes) -> values. ``table``: items of 1 or 8 bytes; ``codes``: uint8.
 * values[i] = table[codes[i]] (numpy's table[codes] casts the codes to intp first: a pass over
 * eight times the memory). The table is copied into one of 256 items first, so that the loop
 * reads no byte past it whatever the codes, and a code past it is found after the loop. */
static PyObject *
lookup(PyObject *self, PyObject *args)
{
    Py_buffer t, c;
    Py_ssize_t size;
    if (!PyArg_ParseTuple(args, "y*ny*", &t, &size, &c))
        return NULL;
    PyObject *out = NULL;
    if ((size != 1 && size != 8) || t.len % size) {
        PyErr_SetString(PyExc_ValueError, "lookup: a table of 1- or 8-byte items");
        goto done;
    }
    Py_ssize_t entries = t.len / size < 256 ? t.len / size : 256;
    unsigned char past[256];
    int64_t wide[256] = {0};
    unsigned char narrow[256] = {0};
    for (int k = 0; k < 256; k++)
        past[k] = k >= entries;
    if (size == 1)
        memcpy(narrow, t.buf, entries);
    else
        memcpy(wide, t.buf, entries * 8);
    if (!(out = PyByteArray_FromStringAndSize(NULL, c.len * size)))
        goto done;
    const unsigned char *codes = c.buf;
    unsigned char bad = 0;
    if (size == 1) {
        unsigned char *value = (unsigned char *)PyByteArray_AS_STRING(out);
        for (Py_ssize_t i = 0; i < c.len; i++) {
            value[i] = narrow[codes[i]];
            bad |= past[codes[i]];
        }
    }
    else {
        int64_t *value = (int64_t *)PyByteArray_AS_STRING(out);
        for (Py_ssize_t i = 0; i < c.len; i++) {
            value[i] = wide[codes[i]];
            bad |= past[codes[i]];
        }
    }
    if (bad) {
        PyErr_Format(PyExc_ValueError, "lookup: a code is past the table's %zd items", entries);
        Py_CLEAR(out);
    }
done:
    PyBuffer_Release(&t);
    PyBuffer_Release(&c);
    return out;
}

static PyMethodDef methods[] = {
    {"first_occurrence", first_occurrence, METH_VARARGS, "first_occurrence(columns, out) -> settled"},
    {"reads", reads, METH_VARARGS, "reads(src0, src1) -> (sources, readers)"},
    {"last_reads", last_reads, METH_VARARGS, "last_reads(src0, src1, wide, WIDE, last)"},
    {"sweep_live", sweep_live, METH_VARARGS, "sweep_live(src0, src1, wide, WIDE, live)"},
    {"add_at", add_at, METH_VARARGS, "add_at(target, index, values, width)"},
    {"static_sweep", static_sweep, METH_VARARGS, "static_sweep(codes, src0, src1, wide, WIDE, pure, const_code, known)"},
    {"scalar_repeats", scalar_repeats, METH_VARARGS,
     "scalar_repeats(codes, src0, src1, scalar, numbers, pure, commutative, left, right, identity_value, WIDE)"
     " -> (repeats, unnumbered, wide)"},
    {"float_keys", float_keys, METH_VARARGS, "float_keys(values) -> keys"},
    {"lookup", lookup, METH_VARARGS, "lookup(table, itemsize, codes) -> values"},
    {"code_totals", code_totals, METH_VARARGS, "code_totals(codes, value_bytes) -> (counts, bytes)"},
    {"number_floats", number_floats, METH_VARARGS,
     "number_floats(values, rtol, ids, numbers, base) -> (heads, far, far_first)"},
    {"residency", residency, METH_VARARGS,
     "residency(word, sizes, last, outputs, line_of, src0, src1, wide, WIDE, lines, line) -> (peak, first)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_kernels", "The passes' kernels (see _kernels.c).", -1, methods,
};

PyMODINIT_FUNC
PyInit__kernels(void)
{
    PyObject *m = PyModule_Create(&module_def);
    if (m && PyModule_AddStringConstant(m, "SOURCE_DIGEST", TAXO_SOURCE_DIGEST) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
