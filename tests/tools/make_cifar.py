# make_cifar.py SRC OUT N_TRAIN N_TEST: CIFAR-10 binary batches made from
# Fashion-MNIST (SRC: the directory of its gzip IDX files): each 28x28 image
# zero-padded to 32x32 and repeated in the three colour planes, its label
# byte first; data_batch_1..5.bin get N_TRAIN/5 records each (plain),
# test_batch.bin.gz the first N_TEST test images (gzip).
import gzip, struct, sys, os
src, out, n_train, n_test = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def idx(name):
    with gzip.open(os.path.join(src, name)) as f:
        data = f.read()
    magic, = struct.unpack('>I', data[:4]); nd = magic & 0xff
    dims = struct.unpack('>' + 'I' * nd, data[4:4 + 4 * nd])
    return dims, data[4 + 4 * nd:]
def records(prefix, first, n):
    (_, h, w), px = idx(prefix + '-images-idx3-ubyte.gz')
    _, lab = idx(prefix + '-labels-idx1-ubyte.gz')
    recs = []
    for i in range(first, first + n):
        img = px[i * h * w:(i + 1) * h * w]
        plane = bytearray(32 * 32)
        for r in range(h):
            plane[(r + 2) * 32 + 2:(r + 2) * 32 + 2 + w] = img[r * w:(r + 1) * w]
        recs.append(bytes([lab[i]]) + bytes(plane) * 3)
    return recs
os.makedirs(out, exist_ok=True)
per = n_train // 5
for b in range(5):
    with open(os.path.join(out, 'data_batch_%d.bin' % (b + 1)), 'wb') as f:
        f.write(b''.join(records('train', b * per, per)))
with gzip.open(os.path.join(out, 'test_batch.bin.gz'), 'wb') as f:
    f.write(b''.join(records('t10k', 0, n_test)))
