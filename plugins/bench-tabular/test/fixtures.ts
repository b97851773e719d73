import { join } from 'node:path';
import { splitRng } from '../src/split.ts';
import { gapminderRows, weatherRows, writeCsv, writeJson, type Row } from './helpers.ts';

/**
 * weather.csv laid out as a person would bring it: an id column, 2012-2013 to train, 2014 to validate,
 * 2015 as test inputs without the label and its answers (joined by id, in another order; or by row order).
 */
export function weatherFiles(dir: string) {
  const rows: Row[] = weatherRows().map((r, i) => ({ obs_id: 10001 + i, ...r }));
  const year = (r: Row) => String(r.date).slice(0, 4);
  const train = rows.filter((r) => year(r) <= '2013');
  const val = rows.filter((r) => year(r) === '2014');
  const test = rows.filter((r) => year(r) === '2015');
  const inputCols = ['obs_id', 'location', 'date', 'precipitation', 'temp_max', 'temp_min', 'wind'];
  const shuffled = splitRng(11).shuffle(test);
  return {
    rows,
    train,
    val,
    test,
    files: {
      all: writeCsv(join(dir, 'data/weather-all.csv'), rows),
      train: writeCsv(join(dir, 'data/train.csv'), train),
      val: writeCsv(join(dir, 'data/val.csv'), val),
      testInputs: writeCsv(join(dir, 'data/test.csv'), test, inputCols),
      answersById: writeCsv(join(dir, 'data/test_answers.csv'), shuffled, ['obs_id', 'weather']),
      answersByRow: writeCsv(join(dir, 'data/test_labels.csv'), test, ['weather']),
    },
  };
}

/** gapminder.json as is (JSON array): 62 countries x 11 years. */
export function gapminderFile(dir: string) {
  const rows = gapminderRows();
  return { rows, file: writeJson(join(dir, 'data/gapminder.json'), rows) };
}
