// The cipher is shared with payout (bank accounts); registry code keeps importing it from here.
export * from '../../../shared/crypto/field-cipher';
