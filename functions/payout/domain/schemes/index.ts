export * from './engine';
export * from './model';
export * from './validate';
