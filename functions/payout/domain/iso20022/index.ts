export * from './amount';
export * from './pain001';
export * from './pain002';
export * from './pain002-reader';
