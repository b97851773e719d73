/**
 * The 22 MLE-Bench Lite competitions (openai/mle-bench experiments/splits/low.txt): where mlebench prepare
 * puts their files, how they are graded (mlebench/competitions/<id>/config.yaml and grade.py, ported in
 * graders.ts) and, for those the runner can train, what the training table is and how a validation split
 * is turned back into the competition's own formats.
 */
import {
  accuracyGrader,
  aucGrader,
  binaryLogLossGrader,
  columnwiseAucSkippingUnscored,
  meanAucGrader,
  meanRmsleGrader,
  oneHotLogLossGrader,
  qwkGrader,
  rmseGrader,
  type GradeFn,
} from './graders.ts';

/** Media (images, audio, structure files) that belong to rows of the training table. */
export type MediaSpec =
  /** One file or folder per row under `train`, named by `file(id)`; the test rows' are under `test`. */
  | { kind: 'dir'; train: string; test: string; file: (id: string) => string }
  /** One entry per row in the zip `train` (entry `entry(id)`); the test rows' are in the zip `test`. */
  | { kind: 'zip'; train: string; test: string; entry: (id: string) => string };

export interface RunnerSpec {
  /** Public training file (csv, json, or a .zip holding one csv). */
  train: string;
  /** Public test inputs file; absent when the test ids come only from the sample submission. */
  test?: string;
  /** Id column of the training table (the submission's id unless answersSql derives it). */
  idColumn: string;
  /** Column hashed to draw the validation split (the id, or a group such as a sentence). */
  splitKey: string;
  /** Label columns of the training table. */
  targets: string[];
  /** Training column whose classes are one-hot columns in the answers and the submission. */
  oneHot?: string;
  /** SQL over the training columns per answers column, where the answers are not plain training columns. */
  answersSql?: Record<string, string>;
  /** SQL over the training columns per sample-submission column, where not a constant from the real sample. */
  sampleSql?: Record<string, string>;
  /** DuckDB types forced when reading the training/test files (text columns that could look numeric). */
  types?: Record<string, string>;
  media?: MediaSpec[];
  /**
   * Input columns that identify a row for the contamination check; default: the public test columns
   * other than the id (ids are renumbered between train and test in most competitions).
   */
  keyColumns?: string[];
  /** Public tables keyed by a training id whose rows carry labels: validation rows are left out in validation runs. */
  companions?: { file: string; key: string }[];
  /** Public entries left out of validation working folders (they hold labels of validation rows). */
  hideInValidation?: string[];
  /** Zip files in the public folder that mirror the train/test/sample file: rewritten alongside it. */
  mirrors?: { file: string; of: 'train' | 'test' | 'sample' }[];
  /** The public copy of the sample submission when config.yaml's sample_submission is not in public/. */
  publicSample?: string;
}

export interface CompetitionSpec {
  id: string;
  name: string;
  /** mlebench's grader name (config.yaml grader.name). */
  grader: string;
  /** The metric, in DataMaster's words. */
  metric: string;
  direction: 'max' | 'min';
  /** Answers file, relative to the data dir (config.yaml dataset.answers). */
  answers: string;
  /** Sample submission, relative to the data dir (config.yaml dataset.sample_submission). */
  sampleSubmission: string;
  /** Id column of the submission. */
  idColumn: string;
  grade: GradeFn;
  modality: 'tabular' | 'text' | 'image' | 'audio';
  /** Whether a competitive solution needs a GPU. */
  gpu: 'no' | 'recommended' | 'required';
  /** Size of the prepared data, roughly. */
  size: string;
  /** How to train it here; absent: grading only (gradeSubmission / the grade script). */
  runner?: RunnerSpec;
  /** Why there is no runner. */
  gradeOnlyReason?: string;
  notes?: string;
}

const JIGSAW = ['toxic', 'severe_toxic', 'obscene', 'threat', 'insult', 'identity_hate'];
const RANZCR_GRADED = ['ETT - Abnormal', 'ETT - Borderline', 'ETT - Normal', 'NGT - Abnormal', 'NGT - Borderline', 'NGT - Incompletely Imaged', 'NGT - Normal', 'CVC - Abnormal', 'CVC - Borderline'];
const RANZCR_LABELS = [...RANZCR_GRADED, 'CVC - Normal', 'Swan Ganz Catheter Present'];
const PLANT = ['healthy', 'multiple_diseases', 'rust', 'scab'];

const pub = (id: string, f: string) => `${id}/prepared/public/${f}`;
const priv = (id: string, f: string) => `${id}/prepared/private/${f}`;

function textNormalization(lang: 'en' | 'ru', name: string): CompetitionSpec {
  const id = `text-normalization-challenge-${lang === 'en' ? 'english' : 'russian'}-language`;
  const tokenId = `CAST(sentence_id AS VARCHAR) || '_' || CAST(token_id AS VARCHAR)`;
  return {
    id,
    name,
    grader: 'accuracy',
    metric: 'accuracy',
    direction: 'max',
    answers: priv(id, 'answers.csv'),
    sampleSubmission: priv(id, 'sample_submission.csv'),
    idColumn: 'id',
    grade: accuracyGrader('id', 'after', { asText: true }),
    modality: 'text',
    gpu: 'no',
    size: lang === 'en' ? '8.9M training tokens (~300 MB of CSV)' : '9.5M training tokens (~700 MB of CSV)',
    runner: {
      train: `${lang}_train.csv.zip`,
      test: `${lang}_test_2.csv.zip`,
      idColumn: 'id',
      splitKey: 'sentence_id',
      targets: ['after'],
      answersSql: { id: tokenId, after: 'after' },
      sampleSql: { id: tokenId, after: 'before' },
      types: { before: 'VARCHAR', after: 'VARCHAR', class: 'VARCHAR' },
      mirrors: [{ file: `${lang}_sample_submission_2.csv.zip`, of: 'sample' }],
    },
    notes: 'The validation split holds out whole sentences (as the mlebench split does); the submission id is <sentence_id>_<token_id>.',
  };
}

export const COMPETITIONS: readonly CompetitionSpec[] = [
  {
    id: 'aerial-cactus-identification',
    name: 'Aerial Cactus Identification',
    grader: 'auc-roc',
    metric: 'roc_auc',
    direction: 'max',
    answers: priv('aerial-cactus-identification', 'test.csv'),
    sampleSubmission: pub('aerial-cactus-identification', 'sample_submission.csv'),
    idColumn: 'id',
    grade: aucGrader('id', 'has_cactus'),
    modality: 'image',
    gpu: 'recommended',
    size: '17,500 32x32 images (~25 MB)',
    runner: {
      train: 'train.csv',
      idColumn: 'id',
      splitKey: 'id',
      targets: ['has_cactus'],
      media: [{ kind: 'zip', train: 'train.zip', test: 'test.zip', entry: (id) => id }],
    },
  },
  {
    id: 'aptos2019-blindness-detection',
    name: 'APTOS 2019 Blindness Detection',
    grader: 'quadratic-weighted-kappa',
    metric: 'quadratic_weighted_kappa',
    direction: 'max',
    answers: priv('aptos2019-blindness-detection', 'test.csv'),
    sampleSubmission: pub('aptos2019-blindness-detection', 'sample_submission.csv'),
    idColumn: 'id_code',
    grade: qwkGrader('id_code', 'diagnosis'),
    modality: 'image',
    gpu: 'required',
    size: '3,662 retina photographs (~9 GB)',
    runner: {
      train: 'train.csv',
      test: 'test.csv',
      idColumn: 'id_code',
      splitKey: 'id_code',
      targets: ['diagnosis'],
      types: { id_code: 'VARCHAR' },
      media: [{ kind: 'dir', train: 'train_images', test: 'test_images', file: (id) => `${id}.png` }],
    },
  },
  {
    id: 'denoising-dirty-documents',
    name: 'Denoising Dirty Documents',
    grader: 'root_mean_squared_error',
    metric: 'rmse',
    direction: 'min',
    answers: priv('denoising-dirty-documents', 'answers.csv'),
    sampleSubmission: pub('denoising-dirty-documents', 'sampleSubmission.csv'),
    idColumn: 'id',
    grade: rmseGrader('id', 'value'),
    modality: 'image',
    gpu: 'recommended',
    size: '115 training image pairs; answers are ~6.6M pixel rows',
    gradeOnlyReason: 'the training data are image pairs (train/ and train_cleaned/) with no training table, so there is no row data for DataMaster to change',
  },
  {
    id: 'detecting-insults-in-social-commentary',
    name: 'Detecting Insults in Social Commentary',
    grader: 'auc-roc',
    metric: 'roc_auc',
    direction: 'max',
    answers: priv('detecting-insults-in-social-commentary', 'test.csv'),
    sampleSubmission: pub('detecting-insults-in-social-commentary', 'sample_submission_null.csv'),
    idColumn: 'Comment',
    grade: aucGrader('Comment', 'Insult'),
    modality: 'text',
    gpu: 'no',
    size: '3,947 training comments (~1 MB)',
    runner: {
      train: 'train.csv',
      test: 'test.csv',
      idColumn: 'Comment',
      splitKey: 'Comment',
      targets: ['Insult'],
      types: { Date: 'VARCHAR', Comment: 'VARCHAR' },
      keyColumns: ['Date', 'Comment'],
    },
    notes: 'The comment text is the id (the competition has no id column); equal comments fall on the same side of the split.',
  },
  {
    id: 'dog-breed-identification',
    name: 'Dog Breed Identification',
    grader: 'multi-class-log-loss',
    metric: 'log_loss',
    direction: 'min',
    answers: priv('dog-breed-identification', 'test.csv'),
    sampleSubmission: pub('dog-breed-identification', 'sample_submission.csv'),
    idColumn: 'id',
    grade: oneHotLogLossGrader('id'),
    modality: 'image',
    gpu: 'required',
    size: '9,199 training photographs of 120 breeds (~700 MB)',
    runner: {
      train: 'labels.csv',
      idColumn: 'id',
      splitKey: 'id',
      targets: ['breed'],
      oneHot: 'breed',
      types: { id: 'VARCHAR' },
      media: [{ kind: 'dir', train: 'train', test: 'test', file: (id) => `${id}.jpg` }],
    },
  },
  {
    id: 'dogs-vs-cats-redux-kernels-edition',
    name: 'Dogs vs. Cats Redux: Kernels Edition',
    grader: 'log-loss',
    metric: 'log_loss',
    direction: 'min',
    answers: priv('dogs-vs-cats-redux-kernels-edition', 'answers.csv'),
    sampleSubmission: pub('dogs-vs-cats-redux-kernels-edition', 'sample_submission.csv'),
    idColumn: 'id',
    grade: binaryLogLossGrader('id', 'label'),
    modality: 'image',
    gpu: 'required',
    size: '22,500 training photographs (~800 MB)',
    gradeOnlyReason: 'the labels are in the image file names inside train.zip (cat.N.jpg, dog.N.jpg); there is no training table',
  },
  {
    id: 'histopathologic-cancer-detection',
    name: 'Histopathologic Cancer Detection',
    grader: 'auc-roc',
    metric: 'roc_auc',
    direction: 'max',
    answers: priv('histopathologic-cancer-detection', 'answers.csv'),
    sampleSubmission: pub('histopathologic-cancer-detection', 'sample_submission.csv'),
    idColumn: 'id',
    grade: aucGrader('id', 'label'),
    modality: 'image',
    gpu: 'required',
    size: '174,464 training tiles (~6 GB)',
    runner: {
      train: 'train_labels.csv',
      idColumn: 'id',
      splitKey: 'id',
      targets: ['label'],
      types: { id: 'VARCHAR' },
      media: [{ kind: 'dir', train: 'train', test: 'test', file: (id) => `${id}.tif` }],
    },
  },
  {
    id: 'jigsaw-toxic-comment-classification-challenge',
    name: 'Toxic Comment Classification Challenge',
    grader: 'column-wise ROC AUC',
    metric: 'mean_columnwise_roc_auc',
    direction: 'max',
    answers: priv('jigsaw-toxic-comment-classification-challenge', 'test.csv'),
    sampleSubmission: pub('jigsaw-toxic-comment-classification-challenge', 'sample_submission.csv'),
    idColumn: 'id',
    grade: columnwiseAucSkippingUnscored('id', JIGSAW),
    modality: 'text',
    gpu: 'recommended',
    size: '159,571 training comments (~70 MB)',
    runner: {
      train: 'train.csv',
      test: 'test.csv',
      idColumn: 'id',
      splitKey: 'id',
      targets: JIGSAW,
      types: { id: 'VARCHAR', comment_text: 'VARCHAR' },
    },
  },
  {
    id: 'leaf-classification',
    name: 'Leaf Classification',
    grader: 'multi-class-log-loss',
    metric: 'log_loss',
    direction: 'min',
    answers: priv('leaf-classification', 'test.csv'),
    sampleSubmission: pub('leaf-classification', 'sample_submission.csv'),
    idColumn: 'id',
    grade: oneHotLogLossGrader('id', { exactColumns: true }),
    modality: 'tabular',
    gpu: 'no',
    size: '891 training leaves x 192 shape features, plus images (~30 MB)',
    runner: { train: 'train.csv', test: 'test.csv', idColumn: 'id', splitKey: 'id', targets: ['species'], oneHot: 'species' },
    notes: 'The images of training and test leaves share images/; nothing to move for validation.',
  },
  {
    id: 'mlsp-2013-birds',
    name: 'MLSP 2013 Bird Classification Challenge',
    grader: 'auc-roc',
    metric: 'roc_auc',
    direction: 'max',
    answers: priv('mlsp-2013-birds', 'answers.csv'),
    sampleSubmission: pub('mlsp-2013-birds', 'sample_submission.csv'),
    idColumn: 'Id',
    grade: aucGrader('Id', 'Probability'),
    modality: 'audio',
    gpu: 'recommended',
    size: '258 recordings with spectrograms and segment features (~600 MB)',
    gradeOnlyReason: "its labels live in essential_data/rec_labels_test_hidden.txt, a ragged text file with '?' for test recordings, not a training table",
  },
  {
    id: 'new-york-city-taxi-fare-prediction',
    name: 'New York City Taxi Fare Prediction',
    grader: 'root-mean-squared-error',
    metric: 'rmse',
    direction: 'min',
    answers: priv('new-york-city-taxi-fare-prediction', 'test.csv'),
    sampleSubmission: pub('new-york-city-taxi-fare-prediction', 'sample_submission.csv'),
    idColumn: 'key',
    grade: rmseGrader('key', 'fare_amount'),
    modality: 'tabular',
    gpu: 'no',
    size: '55M training rides (~5.5 GB of CSV): prepare takes minutes and the base Parquet ~1.5 GB',
    runner: {
      train: 'labels.csv',
      test: 'test.csv',
      idColumn: 'key',
      splitKey: 'key',
      targets: ['fare_amount'],
      types: { key: 'VARCHAR', pickup_datetime: 'VARCHAR' },
    },
  },
  {
    id: 'nomad2018-predict-transparent-conductors',
    name: 'Nomad2018 Predicting Transparent Conductors',
    grader: 'mean-column-wise-rmsle',
    metric: 'mean_columnwise_rmsle',
    direction: 'min',
    answers: priv('nomad2018-predict-transparent-conductors', 'test.csv'),
    sampleSubmission: pub('nomad2018-predict-transparent-conductors', 'sample_submission.csv'),
    idColumn: 'id',
    grade: meanRmsleGrader('id', ['formation_energy_ev_natom', 'bandgap_energy_ev']),
    modality: 'tabular',
    gpu: 'no',
    size: '2,160 training materials, 14 features plus a geometry file each (~20 MB)',
    runner: {
      train: 'train.csv',
      test: 'test.csv',
      idColumn: 'id',
      splitKey: 'id',
      targets: ['formation_energy_ev_natom', 'bandgap_energy_ev'],
      media: [{ kind: 'dir', train: 'train', test: 'test', file: (id) => id }],
    },
    notes: 'Two targets: DataMaster sees formation_energy_ev_natom as the label and keeps bandgap_energy_ev as a second target column. mlebench pairs submission rows with answers by position; this port pairs them by id, which agrees whenever the submission keeps the sample submission order.',
  },
  {
    id: 'plant-pathology-2020-fgvc7',
    name: 'Plant Pathology 2020 - FGVC7',
    grader: 'mean-column-wise-roc-auc',
    metric: 'mean_columnwise_roc_auc',
    direction: 'max',
    answers: priv('plant-pathology-2020-fgvc7', 'test.csv'),
    sampleSubmission: pub('plant-pathology-2020-fgvc7', 'sample_submission.csv'),
    idColumn: 'image_id',
    grade: meanAucGrader('image_id', PLANT, { exactColumns: true }),
    modality: 'image',
    gpu: 'required',
    size: '1,638 training photographs (~800 MB)',
    runner: { train: 'train.csv', test: 'test.csv', idColumn: 'image_id', splitKey: 'image_id', targets: PLANT, types: { image_id: 'VARCHAR' } },
    notes: 'Training and test images share images/; nothing to move for validation.',
  },
  {
    id: 'random-acts-of-pizza',
    name: 'Random Acts of Pizza',
    grader: 'auc-roc',
    metric: 'roc_auc',
    direction: 'max',
    answers: priv('random-acts-of-pizza', 'test.csv'),
    sampleSubmission: pub('random-acts-of-pizza', 'sampleSubmission.csv'),
    idColumn: 'request_id',
    grade: aucGrader('request_id', 'requester_received_pizza'),
    modality: 'text',
    gpu: 'no',
    size: '2,878 training requests as JSON (~10 MB)',
    runner: {
      train: 'train.json',
      test: 'test.json',
      idColumn: 'request_id',
      splitKey: 'request_id',
      targets: ['requester_received_pizza'],
      answersSql: { request_id: 'request_id', requester_received_pizza: 'CAST(requester_received_pizza AS INTEGER)' },
      mirrors: [
        { file: 'train.zip', of: 'train' },
        { file: 'test.zip', of: 'test' },
      ],
    },
    notes: 'Validation inputs keep only the fields of the public test.json (the *_at_retrieval fields are training-only).',
  },
  {
    id: 'ranzcr-clip-catheter-line-classification',
    name: 'RANZCR CLiP - Catheter and Line Position Challenge',
    grader: 'auc-roc',
    metric: 'mean_columnwise_roc_auc',
    direction: 'max',
    answers: priv('ranzcr-clip-catheter-line-classification', 'test.csv'),
    sampleSubmission: pub('ranzcr-clip-catheter-line-classification', 'sample_submission.csv'),
    idColumn: 'StudyInstanceUID',
    grade: meanAucGrader('StudyInstanceUID', RANZCR_GRADED, { range: true }),
    modality: 'image',
    gpu: 'required',
    size: '27,077 chest radiographs (~12 GB)',
    runner: {
      train: 'train.csv',
      idColumn: 'StudyInstanceUID',
      splitKey: 'StudyInstanceUID',
      targets: RANZCR_LABELS,
      types: { StudyInstanceUID: 'VARCHAR', PatientID: 'VARCHAR' },
      media: [{ kind: 'dir', train: 'train', test: 'test', file: (id) => `${id}.jpg` }],
      companions: [{ file: 'train_annotations.csv', key: 'StudyInstanceUID' }],
    },
    notes: 'Graded on the 9 ETT/NGT/CVC columns that mlebench lists (CVC - Normal and Swan Ganz are in the submission but not scored).',
  },
  {
    id: 'siim-isic-melanoma-classification',
    name: 'SIIM-ISIC Melanoma Classification',
    grader: 'auc-roc',
    metric: 'roc_auc',
    direction: 'max',
    answers: priv('siim-isic-melanoma-classification', 'test.csv'),
    sampleSubmission: pub('siim-isic-melanoma-classification', 'sample_submission.csv'),
    idColumn: 'image_name',
    grade: aucGrader('image_name', 'target'),
    modality: 'image',
    gpu: 'required',
    size: '~28,000 training images as DICOM, JPEG and TFRecords (~100 GB)',
    runner: {
      train: 'train.csv',
      test: 'test.csv',
      idColumn: 'image_name',
      splitKey: 'image_name',
      targets: ['target'],
      types: { image_name: 'VARCHAR', patient_id: 'VARCHAR' },
      media: [
        { kind: 'dir', train: 'jpeg/train', test: 'jpeg/test', file: (id) => `${id}.jpg` },
        { kind: 'dir', train: 'train', test: 'test', file: (id) => `${id}.dcm` },
      ],
      hideInValidation: ['tfrecords'],
    },
    notes: 'Validation working folders leave out tfrecords/ (its training records carry the labels of validation rows); a solution that needs TFRecords can only be graded, not validated.',
  },
  {
    id: 'spooky-author-identification',
    name: 'Spooky Author Identification',
    grader: 'multi-class-log-loss',
    metric: 'log_loss',
    direction: 'min',
    answers: priv('spooky-author-identification', 'test.csv'),
    sampleSubmission: pub('spooky-author-identification', 'sample_submission.csv'),
    idColumn: 'id',
    grade: oneHotLogLossGrader('id', { exactColumns: true }),
    modality: 'text',
    gpu: 'no',
    size: '17,621 training sentences (~3 MB)',
    runner: { train: 'train.csv', test: 'test.csv', idColumn: 'id', splitKey: 'id', targets: ['author'], oneHot: 'author', types: { id: 'VARCHAR', text: 'VARCHAR' } },
  },
  {
    id: 'tabular-playground-series-dec-2021',
    name: 'Tabular Playground Series - Dec 2021',
    grader: 'multi-class-classification-accuracy',
    metric: 'accuracy',
    direction: 'max',
    answers: priv('tabular-playground-series-dec-2021', 'test.csv'),
    sampleSubmission: pub('tabular-playground-series-dec-2021', 'sample_submission.csv'),
    idColumn: 'Id',
    grade: accuracyGrader('Id', 'Cover_Type'),
    modality: 'tabular',
    gpu: 'no',
    size: '3.6M training rows x 55 columns (~1.4 GB of CSV)',
    runner: { train: 'train.csv', test: 'test.csv', idColumn: 'Id', splitKey: 'Id', targets: ['Cover_Type'] },
  },
  {
    id: 'tabular-playground-series-may-2022',
    name: 'Tabular Playground Series - May 2022',
    grader: 'auc-roc',
    metric: 'roc_auc',
    direction: 'max',
    answers: priv('tabular-playground-series-may-2022', 'test.csv'),
    sampleSubmission: pub('tabular-playground-series-may-2022', 'sample_submission.csv'),
    idColumn: 'id',
    grade: aucGrader('id', 'target'),
    modality: 'tabular',
    gpu: 'no',
    size: '800,000 training rows x 33 columns (~300 MB of CSV)',
    runner: { train: 'train.csv', test: 'test.csv', idColumn: 'id', splitKey: 'id', targets: ['target'], types: { f_27: 'VARCHAR' } },
  },
  textNormalization('en', 'Text Normalization Challenge - English Language'),
  textNormalization('ru', 'Text Normalization Challenge - Russian Language'),
  {
    id: 'the-icml-2013-whale-challenge-right-whale-redux',
    name: 'The ICML 2013 Whale Challenge - Right Whale Redux',
    grader: 'auc-roc',
    metric: 'roc_auc',
    direction: 'max',
    answers: priv('the-icml-2013-whale-challenge-right-whale-redux', 'test.csv'),
    sampleSubmission: pub('the-icml-2013-whale-challenge-right-whale-redux', 'sampleSubmission.csv'),
    idColumn: 'clip',
    grade: aucGrader('clip', 'probability'),
    modality: 'audio',
    gpu: 'recommended',
    size: '~10,000 two-second training clips in train2.zip (~300 MB)',
    gradeOnlyReason: 'the labels are in the clip file names inside train2.zip (..._1.aif / ..._0.aif); there is no training table',
  },
];

export const COMPETITION_IDS: readonly string[] = COMPETITIONS.map((c) => c.id);

export function competitionSpec(id: string): CompetitionSpec | undefined {
  return COMPETITIONS.find((c) => c.id === id);
}
